package dev.feed.fanout.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A 404 of the HTTP layer as a problem document, as the other services' are: an unknown path
 * ({@code /q/health} on the public port, for one) and an operator path the {@link ManagementDoor}
 * refused on the public port. Left to Vert.x and Quarkus they go out with an empty body. This worker
 * has no other problem handling at the HTTP layer (its only endpoints are operators').
 */
@ApplicationScoped
public class NotFoundProblems {
    static final String BODY = "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,"
            + "\"detail\":\"no resource at this path\"}";

    void register(@Observes Router router) {
        router.errorHandler(404, NotFoundProblems::answer);
        // A handler that fails the context with a bare 404 (the door) reaches the failure handlers
        // before the router's error handlers, Quarkus' bodiless one among them: catch it here, first.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.failure() == null && ctx.statusCode() == 404 && !ctx.response().headWritten()) {
                answer(ctx);
            } else {
                ctx.next();
            }
        });
    }

    private static void answer(RoutingContext ctx) {
        if (!ctx.response().ended() && !ctx.response().headWritten()) {
            ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(BODY);
        }
    }
}
