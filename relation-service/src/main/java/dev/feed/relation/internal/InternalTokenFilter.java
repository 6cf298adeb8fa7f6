package dev.feed.relation.internal;

import dev.feed.relation.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /internal/} request needs the shared service token; these endpoints take no user JWT.
 * They are served on the management port only ({@link ManagementDoor}); the token is the second lock.
 */
public class InternalTokenFilter {
    static final String HEADER = "X-Internal-Token";

    private final byte[] token;

    public InternalTokenFilter(InternalConfig config) {
        this.token = config.token().map(String::strip).orElse("").getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext ctx) {
        if (!ctx.getUriInfo().getPath().startsWith("/internal/")) {
            return Optional.empty();
        }
        String given = ctx.getHeaderString(HEADER);
        // Constant time, so the token cannot be guessed byte by byte from response times. No token
        // configured (only possible where the guard lets it pass, never in production) opens nothing.
        if (given != null && token.length > 0 && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(Problem.of(401, "unauthorized", "Unauthorized",
                given == null ? "the '" + HEADER + "' header is required" : "the '" + HEADER + "' header is wrong").toResponse());
    }
}
