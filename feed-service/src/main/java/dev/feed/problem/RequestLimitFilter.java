package dev.feed.problem;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Answers an over-long request target (414) or over-large headers (431) with a problem document,
 * and marks every answer {@code X-Content-Type-Options: nosniff}, every answer to a request that
 * carries credentials {@code Cache-Control: private, no-store} (a shared cache or the device's
 * disk must not keep one user's timeline or profile).
 */
@ApplicationScoped
public class RequestLimitFilter {
    /** Before the body limit, authentication and routing. */
    private static final int PRIORITY = 1100;

    private final HttpLimits limits;
    private final FrameworkErrors errors;

    public RequestLimitFilter(HttpLimits limits, FrameworkErrors errors) {
        this.limits = limits;
        this.errors = errors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext ctx) {
        boolean credentials = ctx.request().headers().contains(HttpHeaders.AUTHORIZATION);
        ctx.addHeadersEndHandler(v -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            if (credentials) {
                ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "private, no-store");
            }
        });
        if (ctx.request().uri().length() > limits.maxUriLength()) {
            errors.answer(ctx, 414);
            return;
        }
        if (headerBytes(ctx.request().headers()) > limits.maxHeaderBytes()) {
            errors.answer(ctx, 431);
            return;
        }
        ctx.next();
    }

    private static long headerBytes(MultiMap headers) {
        long total = 0;
        for (Map.Entry<String, String> h : headers) {
            total += h.getKey().length() + h.getValue().length() + 4; // ": " and CRLF
        }
        return total;
    }
}
