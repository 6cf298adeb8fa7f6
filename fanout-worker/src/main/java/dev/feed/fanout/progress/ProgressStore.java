package dev.feed.fanout.progress;

import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.redis.LuaScript;
import dev.feed.fanout.redis.RedisPipeline;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Per-post fanout progress, a hash {@code fanout:{postId}} (unpush: {@code fanout:{postId}:unpush},
 * same hash slot) with startedAt, total, done, finishedAt (epoch ms), kept for a day.
 *
 * <p>Batches are delivered at least once, so "done" counts distinct batch indexes (a field per
 * batch marks it), never deliveries: a redelivered batch changes nothing. The total is only known
 * when the dispatcher's paging ends, possibly after the last batch is already done, so both the
 * last batch and the total check for completion; whichever comes second stamps finishedAt, once.
 */
@ApplicationScoped
public class ProgressStore {
    /** KEYS[1]; ARGV batch index, now ms, ttl s. Returns 0 redelivered, 1 counted, 2 counted and completed the fanout. */
    static final LuaScript BATCH_DONE = new LuaScript("""
            if redis.call('HSETNX', KEYS[1], 'b:' .. ARGV[1], 1) == 0 then return 0 end
            local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            local total = redis.call('HGET', KEYS[1], 'total')
            if total and done >= tonumber(total) and redis.call('HSETNX', KEYS[1], 'finishedAt', ARGV[2]) == 1 then
                return 2
            end
            return 1
            """);

    /** KEYS[1]; ARGV total, now ms, ttl s. Returns 1 if this completed the fanout. */
    static final LuaScript FINISH = new LuaScript("""
            redis.call('HSET', KEYS[1], 'total', ARGV[1])
            redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[2])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
            if done >= tonumber(ARGV[1]) and redis.call('HSETNX', KEYS[1], 'finishedAt', ARGV[2]) == 1 then
                return 1
            end
            return 0
            """);

    private final RedisPipeline redis;
    private final FanoutConfig config;
    private final Clock clock;

    public ProgressStore(RedisPipeline redis, FanoutConfig config) {
        this.redis = redis;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    public static String key(long postId, FanoutOp op) {
        return op == FanoutOp.PUSH ? "fanout:{" + postId + "}" : "fanout:{" + postId + "}:unpush";
    }

    /** Marks the start; a redelivered dispatch keeps the first startedAt. */
    public Uni<Void> start(long postId, FanoutOp op) {
        String key = key(postId, op);
        return redis.batch(List.of(
                        Request.cmd(Command.HSETNX).arg(key).arg("startedAt").arg(clock.millis()),
                        Request.cmd(Command.EXPIRE).arg(key).arg(ttlSeconds())))
                .replaceWithVoid();
    }

    /** Records one batch as done. @return finishedAt if this batch completed the fanout */
    public Uni<Optional<Long>> batchDone(long postId, FanoutOp op, int batchIndex) {
        long now = clock.millis();
        return BATCH_DONE.send(redis, BATCH_DONE.call(key(postId, op), batchIndex, now, ttlSeconds()))
                .map(r -> r.toInteger() == 2 ? Optional.of(now) : Optional.empty());
    }

    /** Sets the total once paging ended. @return finishedAt if every batch was already done */
    public Uni<Optional<Long>> finish(long postId, FanoutOp op, long totalBatches) {
        long now = clock.millis();
        return FINISH.send(redis, FINISH.call(key(postId, op), totalBatches, now, ttlSeconds()))
                .map(r -> r.toInteger() == 1 ? Optional.of(now) : Optional.empty());
    }

    /** A batch that went to the dead-letter topic: the fanout stays incomplete, and says why. */
    public Uni<Void> batchDeadLettered(long postId, FanoutOp op) {
        String key = key(postId, op);
        return redis.batch(List.of(
                        Request.cmd(Command.HINCRBY).arg(key).arg("deadLettered").arg(1),
                        Request.cmd(Command.EXPIRE).arg(key).arg(ttlSeconds())))
                .replaceWithVoid();
    }

    public Uni<Optional<Progress>> read(long postId, FanoutOp op) {
        return redis.send(Request.cmd(Command.HMGET).arg(key(postId, op))
                        .arg("startedAt").arg("total").arg("done").arg("finishedAt").arg("deadLettered"))
                .map(r -> {
                    Long startedAt = asLong(r.get(0));
                    Long total = asLong(r.get(1));
                    Long done = asLong(r.get(2));
                    Long finishedAt = asLong(r.get(3));
                    Long deadLettered = asLong(r.get(4));
                    if (startedAt == null && total == null && done == null && deadLettered == null) {
                        return Optional.empty();
                    }
                    return Optional.of(new Progress(postId, op, total, done == null ? 0 : done, startedAt, finishedAt,
                            deadLettered == null ? 0 : deadLettered));
                });
    }

    private long ttlSeconds() {
        return config.progressTtl().toSeconds();
    }

    private static Long asLong(Response r) {
        return r == null ? null : Long.parseLong(r.toString());
    }
}
