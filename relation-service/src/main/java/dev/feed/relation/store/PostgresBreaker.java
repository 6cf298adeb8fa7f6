package dev.feed.relation.store;

import dev.feed.relation.problem.StoreUnavailableException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * A circuit breaker (SmallRye Fault Tolerance) in front of the internal API's PostgreSQL reads:
 * follower pages, followees, tiers, lookups and hidden authors. These are where calls pile up: every
 * timeline read and every fanout of the other services asks them, so while PostgreSQL times out
 * each would hold a pool connection for the whole statement timeout and the queue for the pool
 * would grow behind them. Once half of the last {@code feed.pg.breaker.volume} calls failed for
 * want of PostgreSQL ({@link StoreUnavailableException#causedBy}; a 4xx is an answer, not a
 * failure) the breaker answers 503 at once for {@code feed.pg.breaker.delay}, then lets calls try
 * again and closes after 2 successes. feed-service falls back to its last known followees and
 * fanout-worker retries the event later, so a fast 503 is what both want.
 *
 * <p>The public API's writes are not behind it: they are paced by people and rate-limited, and the
 * statement timeout alone keeps each from hanging (503 too). The state is the metric
 * {@code feed_postgres_breaker_state} (0 closed, 1 half-open, 2 open) besides SmallRye's own
 * {@code ft_circuitbreaker_state_current}.
 */
@Startup // its state metric exists from the start, not from the first read
@ApplicationScoped
public class PostgresBreaker {
    public static final String NAME = "relation-postgres";

    private final Guard guard;

    public PostgresBreaker(PostgresConfig config, CircuitBreakerMaintenance breakers, MeterRegistry registry) {
        this.guard = Guard.create().withDescription("internal API reads from PostgreSQL")
                .withCircuitBreaker().name(NAME).when(StoreUnavailableException::causedBy)
                .requestVolumeThreshold(config.volume()).failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS).successThreshold(2).done()
                .build();
        Gauge.builder("feed.postgres.breaker.state", breakers, b -> ordinal(b.currentState(NAME)))
                .description("The internal reads' PostgreSQL breaker: 0 closed, 1 half-open, 2 open").register(registry);
    }

    /** The read behind the breaker; PostgreSQL slow or away (or the breaker open) fails it with a 503 problem. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Uni<T> read(Supplier<Uni<T>> read) {
        Uni<T> guarded = Uni.createFrom().deferred(() -> (Uni<T>) guard.get((Supplier) () -> Uni.createFrom().deferred(() -> read.get()), Uni.class));
        return guarded.onFailure(StoreUnavailableException::causedBy).transform(StoreUnavailableException::of);
    }

    private static double ordinal(CircuitBreakerState state) {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }
}
