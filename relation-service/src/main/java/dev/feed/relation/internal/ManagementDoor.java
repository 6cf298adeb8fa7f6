package dev.feed.relation.internal;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The operator door: {@code /internal/} is served on the management interface (its own port,
 * {@code quarkus.management.port}, next to {@code /q/health} and {@code /q/metrics}) and answers 404 on
 * the public API port, so a public ingress or a port scan never reaches it.
 *
 * <p>Quarkus serves JAX-RS resources on the main router only; the management interface has a Vert.x
 * router of its own ({@link ManagementInterface}). Rewriting the internal resources as Vert.x
 * handlers would lose their validation, problem mappers and token filter, so the management router
 * hands a request for these paths, marked, to the main router in the same process (its routing
 * context: the body the management interface has already read goes along). The main router answers
 * 404 to every unmarked request for them: one that came in on the public port.
 */
@ApplicationScoped
public class ManagementDoor {
    static final String PREFIX = "/internal";
    private static final String MARK = ManagementDoor.class.getName();

    private volatile Router application;

    void onApplicationRouter(@Observes Router router) {
        this.application = router;
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (isOperatorPath(ctx) && ctx.get(MARK) == null) {
                ctx.fail(404); // a problem document (FrameworkErrors), like any unknown path
            } else {
                ctx.next();
            }
        });
    }

    void onManagementRouter(@Observes ManagementInterface management) {
        management.router().route().handler(ctx -> {
            if (isOperatorPath(ctx) && application != null) {
                ctx.put(MARK, Boolean.TRUE);
                application.handleContext(ctx);
            } else {
                ctx.next();
            }
        });
    }

    /** On the normalized path, so {@code //internal/} or {@code /%69nternal/} do not slip past. */
    static boolean isOperatorPath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }
}
