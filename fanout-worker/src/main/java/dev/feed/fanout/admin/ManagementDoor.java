package dev.feed.fanout.admin;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.HttpServerRequestWrapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextDecorator;
import io.vertx.ext.web.impl.RoutingContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * The operator door: {@code /admin/} and {@code /internal/} are served on the management interface
 * (its own port, {@code quarkus.management.port}, next to {@code /q/health} and {@code /q/metrics})
 * and answer 404 on the public API port, so a public ingress or a port scan never reaches them.
 * feed-service and fanout-worker have {@code /admin/}, relation-service {@code /internal/}; a path a
 * service does not have is a 404 on either port.
 *
 * <p>One class, three identical copies (feed-service, relation-service, fanout-worker; only the
 * package differs): the services share no library module. {@code ManagementDoorCopiesTest} in
 * relation-service and fanout-worker fails when the copies drift apart.
 *
 * <p>Quarkus serves JAX-RS resources on the main router only; the management interface has a Vert.x
 * router of its own ({@link ManagementInterface}). Rewriting the operator resources as Vert.x
 * handlers would lose their validation, problem mappers and token check, so the management router
 * hands a request for these paths, marked, to the main router in the same process (its routing
 * context: the body the management interface has already read goes along). The main router fails
 * every unmarked request for them with 404, one that came in on the public port; each service's
 * 404 handler answers it with a problem document, as it does any unknown path.
 *
 * <p>The management router reads every request body to its end before any application route runs
 * (Quarkus puts its body handler first there, at the lowest order, before the observers of
 * {@link ManagementInterface} add theirs). Handed over as it is, the request is one that has ended:
 * the JAX-RS handler on the main router pauses it first, as it does one arriving on the main port,
 * and on an HTTP/2 stream that has ended (h2c, which {@code java.net.http.HttpClient} and
 * {@code curl --http2} ask for) Vert.x answers that with "Request has already been read" and the
 * caller with a 500; and a body parameter finds the request ended and reads nothing. So the request
 * goes over as a {@link ReadRequest}, which replays the body already read.
 * This subclasses Vert.x internals ({@link RoutingContextDecorator}, {@link HttpServerRequestWrapper}),
 * so a Vert.x upgrade may break it; each service's {@code ManagementDoorTest} POSTs a body over h2c
 * and over HTTP/1.1 to catch that.
 */
@ApplicationScoped
public class ManagementDoor {
    static final List<String> PREFIXES = List.of("/admin", "/internal");
    private static final String MARK = ManagementDoor.class.getName();

    private volatile Router application;

    void onApplicationRouter(@Observes Router router) {
        this.application = router;
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (isOperatorPath(ctx) && ctx.get(MARK) == null) {
                ctx.fail(404); // a problem document, like any unknown path
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
        for (String prefix : PREFIXES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The management router's context, with its request as a {@link ReadRequest}. Vert.x Web has no
     * public way to route a context with another request; its own decorator delegates everything else.
     */
    static final class ReadBodyContext extends RoutingContextDecorator {
        private final HttpServerRequest request;

        ReadBodyContext(RoutingContext ctx) {
            super(ctx.currentRoute(), (RoutingContextInternal) ctx);
            this.request = new ReadRequest((HttpServerRequestInternal) ctx.request(), ctx.body().buffer());
        }

        @Override
        public HttpServerRequest request() {
            return request;
        }
    }

    /**
     * The request as the management interface left it (read to its end, its body in the routing
     * context), replayed as a stream that has not ended yet: pausing and resuming only gate the
     * replay, and the first handler that asks for the data gets the whole body, then the end. A
     * reader that takes the body from the routing context sees it there as before; one that reads
     * the request (RESTEasy Reactive, when it finds the request ended, reads nothing) gets it too.
     */
    static final class ReadRequest extends HttpServerRequestWrapper {
        private final Buffer body;
        private Handler<Buffer> dataHandler;
        private Handler<Void> endHandler;
        private boolean paused;
        private boolean replayed;

        ReadRequest(HttpServerRequestInternal delegate, Buffer body) {
            super(delegate);
            this.body = body == null ? Buffer.buffer() : body;
        }

        @Override
        public boolean isEnded() {
            return replayed;
        }

        @Override
        public HttpServerRequest handler(Handler<Buffer> handler) {
            this.dataHandler = handler;
            replayIfFlowing();
            return this;
        }

        @Override
        public HttpServerRequest endHandler(Handler<Void> handler) {
            this.endHandler = handler;
            replayIfFlowing();
            return this;
        }

        @Override
        public HttpServerRequest pause() {
            paused = true;
            return this;
        }

        @Override
        public HttpServerRequest resume() {
            paused = false;
            replayIfFlowing();
            return this;
        }

        @Override
        public HttpServerRequest fetch(long amount) {
            return amount > 0 ? resume() : this;
        }

        @Override
        public HttpServerRequest bodyHandler(Handler<Buffer> handler) {
            replayed = true;
            if (handler != null) {
                handler.handle(body);
            }
            return this;
        }

        @Override
        public Future<Buffer> body() {
            replayed = true;
            return Future.succeededFuture(body);
        }

        @Override
        public Future<Void> end() {
            replayed = true;
            return Future.succeededFuture();
        }

        private void replayIfFlowing() {
            if (replayed || paused || endHandler == null) {
                return;
            }
            replayed = true;
            if (dataHandler != null && body.length() > 0) {
                dataHandler.handle(body);
            }
            endHandler.handle(null);
        }
    }
}
