package dev.feed.fanout.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /admin/} request needs the shared service token ({@code X-Internal-Token}), as
 * feed-service's {@code /admin/} and relation-service's {@code /internal/} do. They are served on the
 * management port only ({@link ManagementDoor}); the token is the second lock.
 */
public class AdminTokenFilter {
    static final String HEADER = "X-Internal-Token";

    private final byte[] token;

    public AdminTokenFilter(InternalConfig config) {
        this.token = config.token().map(String::strip).orElse("").getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext ctx) {
        if (!ctx.getUriInfo().getPath().startsWith("/admin/")) {
            return Optional.empty();
        }
        String given = ctx.getHeaderString(HEADER);
        // Constant time, so the token cannot be guessed byte by byte from response times. No token
        // configured (only possible where the guard lets it pass, never in production) opens nothing.
        if (given != null && token.length > 0 && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Unauthorized");
        problem.put("status", 401);
        problem.put("detail", given == null ? "the '" + HEADER + "' header is required" : "the '" + HEADER + "' header is wrong");
        return Optional.of(Response.status(401).type("application/problem+json").entity(problem).build());
    }
}
