package dev.feed.fanout.admin;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The operator door: {@code /admin/} is served on the management interface (its own port,
 * {@code quarkus.management.port}, next to {@code /q/health} and {@code /q/metrics}) and answers 404 on
 * the public port, so an ingress or a port scan never reaches it.
 *
 * <p>Quarkus serves JAX-RS resources on the main router only; the management interface has a Vert.x
 * router of its own ({@link ManagementInterface}). Rewriting the admin resource as a Vert.x handler
 * would lose its JSON mapping and the token filter, so the management router hands a request for
 * these paths, marked, to the main router in the same process (its routing context: a body the
 * management interface has already read goes along). The main router answers 404 to every unmarked
 * request for them: one that came in on the public port. Its 404s are problem documents here, as
 * the other services' are (this worker has no other problem handling at the HTTP layer).
 */
@ApplicationScoped
public class ManagementDoor {
    static final String PREFIX = "/admin";
    private static final String MARK = ManagementDoor.class.getName();
    private static final String NOT_FOUND = "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,"
            + "\"detail\":\"no resource at this path\"}";

    private volatile Router application;

    void onApplicationRouter(@Observes Router router) {
        this.application = router;
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (isOperatorPath(ctx) && ctx.get(MARK) == null) {
                notFound(ctx); // answered here: a failed context would reach Quarkus' bodiless error handler first
            } else {
                ctx.next();
            }
        });
        router.errorHandler(404, ManagementDoor::notFound); // unknown paths (/q/health here, for one)
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

    /** On the normalized path, so {@code //admin/} or {@code /%61dmin/} do not slip past. */
    static boolean isOperatorPath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    private static void notFound(RoutingContext ctx) {
        if (!ctx.response().headWritten()) {
            ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(NOT_FOUND);
        }
    }
}
