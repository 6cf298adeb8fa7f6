package dev.feed.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Errors the HTTP layer answers before (or instead of) any resource, as problem documents: an
 * unknown path (404), a method the path does not have (405), a body cut off in flight (413, a
 * chunked body has no Content-Length for {@link BodyLimitFilter} to check), a request line or
 * headers over the limits this service keeps (414, 431; see {@link RequestLimitFilter}). Left to
 * Vert.x they go out as an HTML page or an empty body.
 */
@ApplicationScoped
public class FrameworkErrors {
    private static final Map<Integer, Problem> PROBLEMS = Map.of(
            404, Problem.of(404, "not-found", "Not found", "no resource at this path"),
            405, Problem.of(405, "method-not-allowed", "Method not allowed", "this path does not accept this method"),
            413, Problem.of(413, "payload-too-large", "Payload too large", "the request body is over this service's limit"),
            414, Problem.of(414, "uri-too-long", "URI too long", "the request line is over this service's limit"),
            431, Problem.of(431, "header-fields-too-large", "Request header fields too large",
                    "the request headers are over this service's limit"),
            400, ProblemException.badRequest("the request could not be read").problem());

    private final ObjectMapper json;

    public FrameworkErrors(ObjectMapper json) {
        this.json = json;
    }

    void register(@Observes Router router) {
        for (int status : PROBLEMS.keySet()) {
            router.errorHandler(status, ctx -> answer(ctx, status));
        }
        // A handler that fails the context with a bare status (the body reader's 413) reaches the
        // failure handlers before the router's error handlers: catch those here, first.
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.failure() == null && PROBLEMS.containsKey(ctx.statusCode()) && !ctx.response().headWritten()) {
                answer(ctx, ctx.statusCode());
            } else {
                ctx.next();
            }
        });
    }

    void answer(RoutingContext ctx, int status) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (status == 413 || status == 414 || status == 431) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(body(PROBLEMS.get(status)));
    }

    private String body(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
