package dev.feed.post;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recently deleted post ids in Redis, checked by every hydration. This is what lets instances
 * cache posts locally and still never show a post after its delete returned: the delete writes
 * the tombstone before answering, and a tombstone outlives any locally cached copy ({@link #TTL}
 * > the post cache's lifetime). The durable tombstone stays in Cassandra; this is its fast shadow.
 *
 * <p>Layout: ZSETs {@code tombs:{shard}}, member the post id, score the delete time in ms. A page
 * of 30 candidates is then one {@code ZMSCORE} per shard touched (one with the default single
 * shard) instead of one {@code EXISTS} per post; each mark drops members older than the TTL, so a
 * shard holds about one TTL's worth of deletes.
 */
@ApplicationScoped
public class Tombstones {
    static final Duration TTL = Duration.ofDays(1);

    private final Redis redis;
    private final int shards;
    private final Clock clock;

    @Inject
    public Tombstones(Redis redis, PostConfig config) {
        this(redis, config, Clock.systemUTC());
    }

    Tombstones(Redis redis, PostConfig config, Clock clock) {
        if (config.tombstoneShards() < 1) {
            throw new IllegalStateException("feed.post.tombstone-shards must be >= 1, got " + config.tombstoneShards());
        }
        this.redis = redis;
        this.shards = config.tombstoneShards();
        this.clock = clock;
    }

    static String key(int shard) {
        return "tombs:{" + shard + "}";
    }

    int shardOf(long postId) {
        return (int) Math.floorMod(postId, (long) shards);
    }

    public Uni<Void> mark(long postId) {
        long now = clock.millis();
        String key = key(shardOf(postId));
        return redis.batch(List.of(
                        Request.cmd(Command.ZADD).arg(key).arg(now).arg(postId),
                        Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg("(" + (now - TTL.toMillis())),
                        // the whole shard goes idle a TTL after its last delete
                        Request.cmd(Command.PEXPIRE).arg(key).arg(TTL.toMillis())))
                .replaceWithVoid();
    }

    /** The subset of ids deleted within the TTL. One round trip, one command per shard touched. */
    public Uni<Set<Long>> deleted(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Map<Integer, List<Long>> byShard = new LinkedHashMap<>();
        for (long id : ids) {
            byShard.computeIfAbsent(shardOf(id), s -> new ArrayList<>()).add(id);
        }
        List<Request> batch = new ArrayList<>(byShard.size());
        byShard.forEach((shard, members) -> {
            Request zmscore = Request.cmd(Command.ZMSCORE).arg(key(shard));
            members.forEach(zmscore::arg);
            batch.add(zmscore);
        });
        long oldest = clock.millis() - TTL.toMillis();
        return redis.batch(batch).map(responses -> {
            Set<Long> deleted = new HashSet<>();
            int i = 0;
            for (List<Long> members : byShard.values()) {
                Response scores = responses.get(i++);
                for (int j = 0; j < members.size(); j++) {
                    Response score = scores == null ? null : scores.get(j);
                    // older than the TTL but not yet trimmed: no cached copy can remain, not a tombstone any more
                    if (score != null && score.toDouble() >= oldest) {
                        deleted.add(members.get(j));
                    }
                }
            }
            return deleted;
        });
    }
}
