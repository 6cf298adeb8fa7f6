package dev.feed.publish;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per-user publish limit: a token bucket in Redis, so it holds across every feed-service
 * instance. One script call per publish keeps take-or-refuse atomic; the bucket is one key, so
 * it is Redis Cluster safe. Uses Redis server time, not the instances' clocks.
 */
@ApplicationScoped
public class RateLimiter {
    /** KEYS[1] bucket; ARGV capacity, refill per ms. Returns {allowed 0|1, ms until a token}. */
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
            return {allowed, wait}
            """;

    private final Redis redis;
    private final PublishConfig config;

    public RateLimiter(Redis redis, PublishConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Takes one token; the result says whether it was granted and, if not, how long to wait. */
    public Uni<Decision> take(long userId) {
        double perMs = config.ratePerMinute() / 60_000.0;
        return redis.send(Request.cmd(Command.EVAL).arg(TAKE).arg(1).arg("ratelimit:publish:{" + userId + "}")
                        .arg(config.rateBurst()).arg(Double.toString(perMs)))
                .map(r -> new Decision(r.get(0).toInteger() == 1, r.get(1).toLong()));
    }

    public record Decision(boolean allowed, long retryAfterMillis) {
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }
    }
}
