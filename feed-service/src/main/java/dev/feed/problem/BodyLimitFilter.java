package dev.feed.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body larger than {@code quarkus.http.limits.max-body-size} with a 413 problem document.
 * Left to the HTTP layer, the 413 would go out with an empty body, the one error without a
 * problem+json: Quarkus REST's blocking input stream ends the response itself when a body without
 * Content-Length runs past the limit, where no failure handler sees it.
 *
 * <p>A body that declares its Content-Length is refused before anything is read. A body sent
 * without one (chunked) is read here first, by Vert.x's {@link BodyHandler} with the same limit:
 * past it, the handler fails the request with 413, which {@link FrameworkErrors} answers as a
 * problem; within it, Quarkus REST takes the body already read ({@code RoutingContext.body()})
 * instead of reading the request itself. At most the limit is held in memory, as before.
 */
@ApplicationScoped
public class BodyLimitFilter {
    /** Before authentication and routing: a too-large body is refused whoever sends it. */
    private static final int PRIORITY = 1000;

    private final long maxBytes;
    private final String tooLarge;
    private final BodyHandler chunkedBodies;

    public BodyLimitFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max, ObjectMapper json)
            throws JsonProcessingException {
        this.maxBytes = max.asLongValue();
        this.tooLarge = json.writeValueAsString(Problem.of(413, "payload-too-large", "Payload too large",
                "the request body must be at most " + maxBytes + " bytes"));
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(maxBytes).setHandleFileUploads(false);
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && isOver(declared)) {
            ctx.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(tooLarge);
            return;
        }
        if (declared == null && isChunked(ctx)) {
            chunkedBodies.handle(ctx); // calls ctx.next() with the body read, or fails the request with 413
            return;
        }
        ctx.next();
    }

    private static boolean isChunked(RoutingContext ctx) {
        String encoding = ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false; // malformed: the HTTP layer rejects it
        }
    }
}
