package dev.feed.timeline;

import dev.feed.post.DegradablePages;
import dev.feed.post.PostPage;
import dev.feed.redis.RedisUnavailableException;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * A read the Redis way behind the {@value #REDIS_BREAKER} breaker, else the degraded way from
 * Cassandra behind a bulkhead (DESIGN "When a dependency fails"). Shared by every read with a
 * Cassandra-only way: the home timeline downward ({@link TimelineService}) and upward
 * ({@link SinceTimeline}, also the stream's replay), the marker's unread count
 * ({@link UnreadCounter}) and one author's posts ({@code PostResource}, through
 * {@link DegradablePages}), so one breaker decides for all of them whether Redis is worth waiting
 * for, and one bulkhead bounds what all of them together put on Cassandra.
 *
 * <p>"Redis unreachable" is a call that failed or timed out ({@link RedisUnavailableException}) or
 * the breaker refusing the call (open, or half-open with its trial call in flight). The refusal is
 * recognised by the Redis read never having started, not by the exception's message: SmallRye's
 * message carries the guard's description, not its name, which is how the first version of this
 * check missed it and answered 503 to every read while the breaker was open. Any other failure
 * (a Redis error reply, a bug, another breaker inside the read) is not answered degraded.
 *
 * <p>Built at startup so the breaker exists (readiness data, metrics, maintenance) before the first read.
 */
@Startup
@ApplicationScoped
public class RedisOrCassandra implements DegradablePages {
    /**
     * Opens when half of the last 20 Redis-path reads found Redis unreachable; for 5 s after, reads go
     * straight to Cassandra instead of each waiting out the Redis timeout; 2 good reads close it.
     */
    public static final String REDIS_BREAKER = "timeline-redis";
    /** Any read: the guards only need to know the result is a Uni (asynchronous); {@link #read} keeps the types. */
    private static final TypeLiteral<Uni<?>> ANY_READ = new TypeLiteral<>() {
    };

    private final TypedGuard<Uni<?>> redisBreaker;
    private final TypedGuard<Uni<?>> cassandraBulkhead;
    private final CircuitBreakerMaintenance breakers;
    private final DegradedReads degraded;

    public RedisOrCassandra(TimelineConfig config, CircuitBreakerMaintenance breakers, DegradedReads degraded) {
        this.redisBreaker = TypedGuard.create(ANY_READ).withDescription("read from Redis")
                .withCircuitBreaker().name(REDIS_BREAKER).failOn(RedisUnavailableException.class)
                .requestVolumeThreshold(20).failureRatio(0.5).delay(5, ChronoUnit.SECONDS).successThreshold(2).done()
                .build();
        this.cassandraBulkhead = TypedGuard.create(ANY_READ).withDescription("degraded read from Cassandra")
                .withBulkhead().limit(config.degradedConcurrency()).queueSize(config.degradedConcurrency()).done()
                .build();
        this.breakers = breakers;
        this.degraded = degraded;
    }

    /**
     * The page from {@code redis}; if Redis is unreachable, from {@code cassandra} instead, marked
     * {@code "degraded": true} and counted. Beyond the bulkhead (degraded-concurrency running, as many
     * queued) a read fails with BulkheadException: 503 with Retry-After.
     */
    @Override
    public Uni<PostPage> read(Supplier<Uni<PostPage>> redis, Supplier<Uni<PostPage>> cassandra) {
        return read(redis, cassandra, PostPage::asDegraded);
    }

    /**
     * As {@link #read(Supplier, Supplier)} for any result: {@code markDegraded} turns the Cassandra
     * answer into what the caller hands out (identity where the answer has no degraded flag).
     */
    @SuppressWarnings("unchecked") // the guards hold Uni<?>; each call gets back the Uni<T> it handed in
    public <T> Uni<T> read(Supplier<Uni<T>> redis, Supplier<Uni<T>> cassandra, UnaryOperator<T> markDegraded) {
        return guarded(redis).onFailure(RedisUnavailableException.class).recoverWithUni(() -> ((Uni<T>) cassandraBulkhead.get(cassandra::get))
                .map(answer -> {
                    degraded.redis();
                    return markDegraded.apply(answer);
                }));
    }

    /**
     * True unless the breaker is open or half-open: a caller with an optional Redis step (the ETag
     * check) skips it then, rather than waiting out the Redis timeout the breaker exists to spare.
     */
    public boolean redisTrusted() {
        return breakers.currentState(REDIS_BREAKER) == CircuitBreakerState.CLOSED;
    }

    /** The Redis read behind the breaker; the breaker's refusal becomes {@link RedisUnavailableException}. */
    @SuppressWarnings("unchecked")
    private <T> Uni<T> guarded(Supplier<Uni<T>> redis) {
        AtomicBoolean started = new AtomicBoolean();
        return ((Uni<T>) redisBreaker.get(() -> {
            started.set(true);
            return redis.get();
        })).onFailure(e -> e instanceof CircuitBreakerOpenException && !started.get())
                .transform(e -> new RedisUnavailableException("Redis not asked: breaker " + REDIS_BREAKER + " is open", e));
    }
}
