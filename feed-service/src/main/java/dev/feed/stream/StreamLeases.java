package dev.feed.stream;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The open streams of one user across every feed-service instance: a Redis ZSET
 * {@code stream-leases:{userId}}, member {@code <instanceId>:<n>} per stream, scored by the epoch
 * millisecond its lease runs out (Redis's own clock, {@code TIME}, so instances with skewed clocks
 * agree). An instance renews the leases of its open streams every heartbeat tick, removes one when
 * its stream ends, and a lease of an instance that died without removing it runs out after
 * {@code feed.stream.lease-ttl}. Why a lease set and not an INCR/DECR counter: a counter an instance
 * incremented and then died keeps its count forever; a lease knows whose it is and when it ends.
 * One key per command: Redis Cluster safe.
 */
@ApplicationScoped
public class StreamLeases {
    private final Redis redis;

    public StreamLeases(Redis redis) {
        this.redis = redis;
    }

    public static String key(long userId) {
        return "stream-leases:{" + userId + "}";
    }

    /** Redis's clock in epoch milliseconds: {@code now} in the scripts below. */
    private static final String NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";

    /**
     * KEYS[1] leases; ARGV member, max, ttl ms. Drops run-out leases, then adds this one if fewer
     * than max are held. 1 when taken, 0 when the user holds max already.
     */
    private static final String ACQUIRE = NOW + """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /**
     * KEYS[1] leases; ARGV member, ttl ms. Extends the lease, or writes it again if Redis lost it
     * (the stream is open: it counts). The key lives as long as its newest lease.
     */
    private static final String RENEW = NOW + """
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    /** A stream's claim on one of its user's places. */
    public record Lease(long userId, String member) {
    }

    /** True if the lease was taken; false if the user holds {@code max} unexpired leases already. */
    public Uni<Boolean> acquire(Lease lease, int max, long ttlMillis) {
        return redis.send(Request.cmd(Command.EVAL).arg(ACQUIRE).arg(1).arg(key(lease.userId()))
                .arg(lease.member()).arg(max).arg(ttlMillis)).map(r -> r.toInteger() == 1);
    }

    /** Renews every lease given, in one pipelined round trip. */
    public Uni<Void> renew(Collection<Lease> leases, long ttlMillis) {
        if (leases.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            batch.add(Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(key(l.userId())).arg(l.member()).arg(ttlMillis));
        }
        return redis.batch(batch).replaceWithVoid();
    }

    public Uni<Void> release(Lease lease) {
        return redis.send(Request.cmd(Command.ZREM).arg(key(lease.userId())).arg(lease.member())).replaceWithVoid();
    }

    /** Unexpired leases of a user, all instances (tests and operators read it). */
    public Uni<Integer> held(long userId) {
        return redis.send(Request.cmd(Command.EVAL).arg(NOW + "return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')").arg(1).arg(key(userId)))
                .map(r -> r.toInteger());
    }
}
