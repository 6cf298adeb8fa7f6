package dev.feed.relation.ratelimit;

import dev.feed.relation.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Applies {@link RateLimited} families: per request one token from the caller's bucket and one
 * from the client address's bucket (both takes in one pipelined Redis round trip), 429 problem+json with
 * Retry-After when either is empty, and X-RateLimit-Limit / -Remaining / -Reset of the tighter
 * bucket on every answer of a limited endpoint. A take Redis could not answer lets the request
 * through without headers (see {@link RateLimiter}).
 */
public class RateLimitFilter {
    static final String LIMIT = "X-RateLimit-Limit";
    static final String REMAINING = "X-RateLimit-Remaining";
    static final String RESET = "X-RateLimit-Reset";
    private static final String DECISION = RateLimitFilter.class.getName() + ".decision";
    private static final Pattern CANONICAL_ID = Pattern.compile("[1-9][0-9]{0,18}");

    private final RateLimiter limiter;
    private final RateLimitConfig config;
    private final CurrentIdentityAssociation identities;
    private final MeterRegistry registry;

    public RateLimitFilter(RateLimiter limiter, RateLimitConfig config, CurrentIdentityAssociation identities, MeterRegistry registry) {
        this.limiter = limiter;
        this.config = config;
        this.identities = identities;
        this.registry = registry;
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        Method method = resource.getResourceMethod();
        RateLimited limited = method == null ? null : method.getAnnotation(RateLimited.class);
        if (limited == null) {
            return Uni.createFrom().nullItem();
        }
        RateLimited.Family family = limited.value();
        String address = ClientAddress.of(http);
        return identities.getDeferredIdentity().map(RateLimitFilter::userId).onFailure().recoverWithNull()
                .chain(user -> limiter.takeBoth(family.id(),
                        user == null ? null : RateLimiter.key(family.id(), "user", user), family.perUser(config),
                        RateLimiter.key(family.id(), "address", address), family.perAddress(config)))
                .map(both -> decide(request, family, both.user(), both.address()));
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateLimiter.Decision d) {
            putHeaders(response.getHeaders(), d);
        }
    }

    /** null lets the request on (its decision kept for the headers); a 429 ends it. */
    private Response decide(ContainerRequestContext request, RateLimited.Family family, RateLimiter.Decision user,
            RateLimiter.Decision address) {
        RateLimiter.Decision refused = refusal(user, address);
        if (refused != null) {
            String scope = refused == user ? "user" : "address";
            registry.counter("feed.ratelimit.rejected", "family", family.id(), "scope", scope).increment();
            request.setProperty(DECISION, refused);
            Response.ResponseBuilder answer = Response.fromResponse(Problem.of(429, "rate-limited", "Too Many Requests",
                            family.id() + " rate limit of this " + scope + " exceeded (" + refused.limit()
                                    + " per period); retry after " + refused.retryAfterSeconds() + " s").toResponse())
                    .header("Retry-After", refused.retryAfterSeconds());
            return withHeaders(answer, refused).build();
        }
        RateLimiter.Decision tighter = tighter(user, address);
        if (tighter != null) {
            request.setProperty(DECISION, tighter);
        }
        return null;
    }

    /** The refusing bucket; of two, the one that frees up last. */
    private static RateLimiter.Decision refusal(RateLimiter.Decision user, RateLimiter.Decision address) {
        if (!user.allowed() && !address.allowed()) {
            return user.retryAfterMillis() >= address.retryAfterMillis() ? user : address;
        }
        return !user.allowed() ? user : !address.allowed() ? address : null;
    }

    /** The checked bucket with fewer tokens left, or null when neither was checked. */
    private static RateLimiter.Decision tighter(RateLimiter.Decision user, RateLimiter.Decision address) {
        if (!user.checked()) {
            return address.checked() ? address : null;
        }
        return !address.checked() || user.remaining() <= address.remaining() ? user : address;
    }

    private static Response.ResponseBuilder withHeaders(Response.ResponseBuilder answer, RateLimiter.Decision d) {
        return answer.header(LIMIT, d.limit()).header(REMAINING, d.remaining()).header(RESET, resetEpochSeconds(d));
    }

    private static void putHeaders(MultivaluedMap<String, Object> headers, RateLimiter.Decision d) {
        headers.putSingle(LIMIT, d.limit());
        headers.putSingle(REMAINING, d.remaining());
        headers.putSingle(RESET, resetEpochSeconds(d));
    }

    /** When the bucket is full again, in Unix seconds (the GitHub/Twitter convention for X-RateLimit-Reset). */
    private static long resetEpochSeconds(RateLimiter.Decision d) {
        return (System.currentTimeMillis() + d.resetMillis() + 999) / 1000;
    }

    /** The JWT's subject when it is a user id; anonymous or odd tokens count per address only. */
    private static String userId(SecurityIdentity identity) {
        if (identity != null && !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt) {
            String sub = jwt.getSubject();
            return sub != null && CANONICAL_ID.matcher(sub).matches() ? sub : null;
        }
        return null;
    }
}
