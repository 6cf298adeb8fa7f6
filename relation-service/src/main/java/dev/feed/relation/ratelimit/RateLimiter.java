package dev.feed.relation.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Every rate limit of this service (follow churn, block/mute churn, profile updates): token
 * buckets in Redis, so a limit holds across every relation-service instance. The same buckets as
 * feed-service's {@code dev.feed.ratelimit.RateLimiter} (the services share no library module;
 * keep the two scripts alike). One script call per bucket keeps take-or-refuse
 * atomic; a bucket is one key, so it is Redis Cluster safe. Uses Redis server time, not the
 * instances' clocks. The bucket keys and the script live here and nowhere else.
 *
 * <p>Degrade, don't fail: when Redis does not answer within {@code feed.rate-limit.timeout} the
 * take is granted ({@link Decision#open()}) and {@code feed.ratelimit.failopen{family}} counts it.
 * Redis is here for the limits only: without it the graph keeps working, unlimited, and the
 * counter tells the operator (Redis is no part of this service's readiness either).
 */
@ApplicationScoped
public class RateLimiter {
    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    /**
     * KEYS[1] bucket; ARGV capacity, refill per ms. Returns {allowed 0|1, ms until a token,
     * whole tokens left, ms until the bucket is full again}.
     */
    static final String TAKE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local cap = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(b[1]) or cap
            local at = tonumber(b[2]) or now
            tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
            local allowed = 0
            if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
            redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
            local wait = 0
            if allowed == 0 then wait = math.ceil((1 - tokens) / rate) end
            return {allowed, wait, math.floor(tokens), math.ceil((cap - tokens) / rate)}
            """;

    private final Redis redis;
    private final RateLimitConfig config;
    private final MeterRegistry registry;

    public RateLimiter(Redis redis, RateLimitConfig config, MeterRegistry registry) {
        this.redis = redis;
        this.config = config;
        this.registry = registry;
    }

    /** The bucket of one subject (a user id, a client address) for one family of actions. */
    public static String key(String family, String scope, String subject) {
        return "ratelimit:" + family + ":" + scope + ":{" + subject + "}";
    }

    /**
     * Takes one token from the user's bucket ({@code userKey} null: none, an anonymous request) and
     * one from the client address's, in one round trip: one pipelined batch (on Redis Cluster the
     * two keys live in different slots, which the client's batch routes per request). Both granted
     * without a bucket when Redis is away.
     */
    public Uni<Decisions> takeBoth(String family, String userKey, Limit userLimit, String addressKey, Limit addressLimit) {
        List<Request> batch = new ArrayList<>(2);
        if (userKey != null) {
            batch.add(takeRequest(userKey, userLimit));
        }
        batch.add(takeRequest(addressKey, addressLimit));
        return redis.batch(batch)
                .ifNoItem().after(config.timeout()).fail()
                .map(r -> new Decisions(userKey == null ? Decision.open() : decision(r.get(0), userLimit),
                        decision(r.get(r.size() - 1), addressLimit)))
                .onFailure().recoverWithItem(e -> {
                    registry.counter("feed.ratelimit.failopen", "family", family).increment(batch.size());
                    LOG.debugf("rate limit %s not checked, request let through: %s", family, e.toString());
                    return new Decisions(Decision.open(), Decision.open());
                });
    }

    private static Request takeRequest(String key, Limit limit) {
        return Request.cmd(Command.EVAL).arg(TAKE).arg(1).arg(key).arg(limit.capacity()).arg(Double.toString(limit.refillPerMs()));
    }

    private static Decision decision(io.vertx.mutiny.redis.client.Response r, Limit limit) {
        return new Decision(r.get(0).toInteger() == 1, limit.capacity(), r.get(2).toLong(), r.get(1).toLong(), r.get(3).toLong());
    }

    /** The decisions of one request's two buckets. */
    public record Decisions(Decision user, Decision address) {
    }

    /** A bucket of {@code capacity} tokens refilled at {@code refillPerMs}. */
    public record Limit(int capacity, double refillPerMs) {
        /** {@code requests} per {@code period}: a full bucket is the whole period's allowance. */
        public static Limit per(int requests, Duration period) {
            return new Limit(requests, requests / (double) Math.max(1, period.toMillis()));
        }
    }

    /**
     * One take: {@code limit} the bucket's capacity, {@code remaining} whole tokens left after it,
     * {@code retryAfterMillis} until the next token when refused, {@code resetMillis} until the
     * bucket is full again. {@code limit} 0 means not checked (the store was away).
     */
    public record Decision(boolean allowed, int limit, long remaining, long retryAfterMillis, long resetMillis) {
        public static Decision open() {
            return new Decision(true, 0, 0, 0, 0);
        }

        public boolean checked() {
            return limit > 0;
        }

        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }
    }
}
