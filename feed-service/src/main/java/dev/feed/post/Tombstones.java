package dev.feed.post;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Recently deleted post ids in Redis ({@code tomb:{postId}}), checked by every hydration in one
 * pipelined round trip. This is what lets instances cache posts locally and still never show a
 * post after its delete returned: the delete writes the tombstone before answering, and a
 * tombstone outlives any locally cached copy ({@link #TTL} > the post cache's lifetime). The
 * durable tombstone stays in Cassandra; this is its fast shadow.
 */
@ApplicationScoped
public class Tombstones {
    static final Duration TTL = Duration.ofDays(1);

    private final Redis redis;

    public Tombstones(Redis redis) {
        this.redis = redis;
    }

    static String key(long postId) {
        return "tomb:{" + postId + "}";
    }

    public Uni<Void> mark(long postId) {
        return redis.send(Request.cmd(Command.SET).arg(key(postId)).arg(1).arg("EX").arg(TTL.toSeconds())).replaceWithVoid();
    }

    /** The subset of ids that were deleted (within the tombstone TTL). One round trip. */
    public Uni<Set<Long>> deleted(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Request> batch = new ArrayList<>(ids.size());
        for (long id : ids) {
            batch.add(Request.cmd(Command.EXISTS).arg(key(id)));
        }
        return redis.batch(batch).map(responses -> {
            Set<Long> deleted = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                Response r = responses.get(i);
                if (r != null && r.toInteger() == 1) {
                    deleted.add(ids.get(i));
                }
            }
            return deleted;
        });
    }
}
