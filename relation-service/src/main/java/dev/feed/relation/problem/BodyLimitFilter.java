package dev.feed.relation.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body declared larger than {@code quarkus.http.limits.max-body-size} with a 413
 * problem document before the HTTP layer reads it. Left to the HTTP layer, the 413 would go out
 * with an empty body, the one error without a problem+json. A chunked body with no
 * Content-Length is still cut off by the HTTP layer's own 413 (empty body).
 */
@ApplicationScoped
public class BodyLimitFilter {
    /** Before authentication and routing: a too-large body is refused whoever sends it. */
    private static final int PRIORITY = 1000;

    private final long maxBytes;
    private final String tooLarge;

    public BodyLimitFilter(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize max, ObjectMapper json)
            throws JsonProcessingException {
        this.maxBytes = max.asLongValue();
        this.tooLarge = json.writeValueAsString(Problem.of(413, "payload-too-large", "Payload too large",
                "the request body must be at most " + maxBytes + " bytes"));
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
        ctx.next();
    }

    private boolean isOver(String declared) {
        try {
            return Long.parseLong(declared.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false; // malformed: the HTTP layer rejects it
        }
    }
}
