package dev.feed.relation;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * relation-service as reads call it: each call behind a circuit breaker (SmallRye Fault
 * Tolerance), so that while relation-service is down or drowning, reads stop waiting for it and
 * fall back at once (last known followees) instead of piling up connections on it; and one
 * retry with jittered backoff, since every call here is a read (the lookup is a POST only to carry
 * its id list) and safe to repeat. A 4xx is an answer, not a failure: never retried, never
 * counted against the breaker.
 *
 * <p>Defaults (MicroProfile config overrides them, e.g.
 * {@code dev.feed.relation.GuardedRelation/followees/CircuitBreaker/delay=10000}): the breaker
 * looks at the last 20 calls, opens when half of them failed, stays open 5 s, then lets calls
 * through again and closes after 2 successes. The retry waits 50 ms +- 50 ms. The calls' own
 * timeouts are the REST client's ({@code quarkus.rest-client.relation.connect-timeout} 1 s,
 * {@code read-timeout} 2 s; FEED_RELATION_CONNECT_TIMEOUT, FEED_RELATION_READ_TIMEOUT).
 * Breaker state is on {@code /q/metrics} ({@code ft_circuitbreaker_state_current}, by method)
 * and in the readiness data ({@code dev.feed.health.BreakerStates}).
 */
@ApplicationScoped
public class GuardedRelation {
    public static final String FOLLOWEES = "relation-followees";
    public static final String HIDDEN_AUTHORS = "relation-hidden-authors";
    public static final String LOOKUP = "relation-lookup";

    private final RelationClient relation;

    public GuardedRelation(@RestClient RelationClient relation) {
        this.relation = relation;
    }

    @Retry(maxRetries = 1, delay = 50, jitter = 50, abortOn = {CircuitBreakerOpenException.class, ClientErrorException.class})
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2, skipOn = ClientErrorException.class)
    @CircuitBreakerName(FOLLOWEES)
    public Uni<RelationClient.Followees> followees(long userId) {
        // Deferred: a client that throws instead of failing its Uni still fails this Uni (and counts).
        return Uni.createFrom().deferred(() -> relation.followees(userId));
    }

    @Retry(maxRetries = 1, delay = 50, jitter = 50, abortOn = {CircuitBreakerOpenException.class, ClientErrorException.class})
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2, skipOn = ClientErrorException.class)
    @CircuitBreakerName(HIDDEN_AUTHORS)
    public Uni<RelationClient.HiddenAuthors> hiddenAuthors(long userId) {
        return Uni.createFrom().deferred(() -> relation.hiddenAuthors(userId));
    }

    @Retry(maxRetries = 1, delay = 50, jitter = 50, abortOn = {CircuitBreakerOpenException.class, ClientErrorException.class})
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2, skipOn = ClientErrorException.class)
    @CircuitBreakerName(LOOKUP)
    public Uni<RelationClient.Lookup> lookup(RelationClient.LookupRequest request) {
        return Uni.createFrom().deferred(() -> relation.lookup(request));
    }
}
