package dev.feed.fanout.breaker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The worker's circuit breakers (SmallRye Fault Tolerance), one per dependency a failing call would
 * pile work onto: {@value #REDIS} (every inbox write, progress mark and outbox read: a poll runs up to
 * {@code feed.fanout.concurrency} pipelined batches at once, each waiting out the Redis timeout while
 * Redis hangs) and {@value #RELATION} (tiers and follower pages; each event retries them). Once half
 * of the last {@code feed.fanout.outbound.breaker-volume} calls failed, calls fail at once for
 * {@code feed.fanout.outbound.breaker-delay}, then some try again; 2 successes close it. Any failure counts:
 * a relation-service 404 is recovered before the breaker sees it.
 *
 * <p>Nothing is lost while one is open: a refused call fails like an outage
 * ({@link #isOutage}), so the event or batch is neither dead-lettered nor committed, and the
 * consumer loop redelivers the poll after its backoff. The states are the metric
 * {@code feed_fanout_breaker_state{breaker}} (0 closed, 1 half-open, 2 open) and readiness data
 * ({@link BreakerStates}).
 */
@Startup // the state metrics exist from the start, not from the first call
@ApplicationScoped
public class Breakers {
    public static final String REDIS = "fanout-redis";
    public static final String RELATION = "fanout-relation";
    public static final List<String> ALL = List.of(REDIS, RELATION);

    private final OutboundConfig config;
    private final CircuitBreakerMaintenance maintenance;
    private final Guard redis;
    private final Guard relation;

    public Breakers(OutboundConfig config, CircuitBreakerMaintenance maintenance, MeterRegistry registry) {
        this.config = config;
        this.maintenance = maintenance;
        this.redis = breaker(REDIS, "Redis commands of the fanout worker");
        this.relation = breaker(RELATION, "relation-service calls of the fanout worker");
        for (String name : ALL) {
            Gauge.builder("feed.fanout.breaker.state", maintenance, m -> ordinal(m.currentState(name))).tag("breaker", name)
                    .description("0 closed, 1 half-open, 2 open").register(registry);
        }
    }

    /** A Redis call with the Redis timeout, behind the Redis breaker. */
    public <T> Uni<T> redis(Supplier<Uni<T>> call) {
        return guarded(redis, () -> call.get().ifNoItem().after(config.redisTimeout())
                .failWith(() -> new TimeoutException("Redis did not answer in " + config.redisTimeout())));
    }

    /** A relation-service call (its timeouts are the REST client's), behind the relation breaker. */
    public <T> Uni<T> relation(Supplier<Uni<T>> call) {
        return guarded(relation, call);
    }

    public CircuitBreakerState state(String name) {
        return maintenance.currentState(name);
    }

    /** A failure a later attempt could get past: a breaker's refusal, a timeout. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CircuitBreakerOpenException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private Guard breaker(String name, String description) {
        return Guard.create().withDescription(description)
                .withCircuitBreaker().name(name).requestVolumeThreshold(config.breakerVolume()).failureRatio(config.breakerFailureRatio())
                .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS).successThreshold(2).done()
                .build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> Uni<T> guarded(Guard guard, Supplier<Uni<T>> call) {
        // Deferred: each subscription (a retry re-subscribes) is one call through the breaker.
        return Uni.createFrom().deferred(() -> (Uni<T>) guard.get((Supplier) () -> Uni.createFrom().deferred(() -> call.get()), Uni.class));
    }

    private static double ordinal(CircuitBreakerState state) {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }
}
