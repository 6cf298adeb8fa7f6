package dev.feed.admin;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextDecorator;
import io.vertx.ext.web.impl.RoutingContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The operator door: {@code /admin/} is served on the management interface (its own port,
 * {@code quarkus.management.port}, next to {@code /q/health} and {@code /q/metrics}) and answers 404 on
 * the public API port, so a public ingress or a port scan never reaches it.
 *
 * <p>Quarkus serves JAX-RS resources on the main router only; the management interface has a Vert.x
 * router of its own ({@link ManagementInterface}). Rewriting the admin resources as Vert.x
 * handlers would lose their validation, problem mappers and token check, so the management router
 * hands a request for these paths, marked, to the main router in the same process (its routing
 * context: the body the management interface has already read goes along). The main router answers
 * 404 to every unmarked request for them: one that came in on the public port.
 *
 * <p>The management router reads every request body to its end before any application route runs
 * (Quarkus puts its body handler first there, at the lowest order, before the observers of
 * {@link ManagementInterface} add theirs). The JAX-RS handler on the main router then takes the body
 * from the routing context, but first pauses the request, as it does for one arriving on the main
 * port, and resumes it afterwards; on an HTTP/2 stream that has already ended (h2c, which
 * {@code java.net.http.HttpClient} and {@code curl --http2} ask for) Vert.x answers that with
 * "Request has already been read" and the caller with a 500. So the request goes over as a
 * {@link ReadRequest}: pausing, resuming or fetching a request whose body is already read does nothing.
 */
@ApplicationScoped
public class ManagementDoor {
    static final String PREFIX = "/admin";
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
                application.handleContext(new ReadBodyContext(ctx));
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

    /**
     * The management router's context, with its request as a {@link ReadRequest}. Vert.x Web has no
     * public way to route a context with another request; its own decorator delegates everything else.
     */
    static final class ReadBodyContext extends RoutingContextDecorator {
        private final HttpServerRequest request;

        ReadBodyContext(RoutingContext ctx) {
            super(ctx.currentRoute(), (RoutingContextInternal) ctx);
            this.request = new ReadRequest((HttpServerRequestInternal) ctx.request());
        }

        @Override
        public HttpServerRequest request() {
            return request;
        }
    }

    /** A request whose flow control does nothing once it has been read to its end. */
    static final class ReadRequest extends HttpServerRequestWrapper {
        ReadRequest(HttpServerRequestInternal delegate) {
            super(delegate);
        }

        @Override
        public HttpServerRequest pause() {
            if (!delegate.isEnded()) {
                delegate.pause();
            }
            return this;
        }

        @Override
        public HttpServerRequest resume() {
            if (!delegate.isEnded()) {
                delegate.resume();
            }
            return this;
        }

        @Override
        public HttpServerRequest fetch(long amount) {
            if (!delegate.isEnded()) {
                delegate.fetch(amount);
            }
            return this;
        }
    }
}
