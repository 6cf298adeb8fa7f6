package dev.feed.outbox;

import dev.feed.hotcache.PostRef;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An author's outbox: a capped Redis ZSET {@code outbox:{authorId}} of post ids scored by
 * createdAt epoch milliseconds. Never the 64-bit id as a score: a double holds integers exactly
 * only up to 2^53, and Snowflake ids are larger, so equal-looking scores would reorder and
 * exclusive cursors would skip posts (Mastodon issue 16970). Milliseconds are exact until the
 * year 287396; ties inside a millisecond are broken by the member (the id) on read.
 */
@ApplicationScoped
public class OutboxStore {
    private final Redis redis;
    private final OutboxConfig config;

    /** Member of a warmed outbox that marks it as present, never a post (fanout-worker skips it too). */
    public static final long SENTINEL = 0L;

    public OutboxStore(Redis redis, OutboxConfig config) {
        this.redis = redis;
        this.config = config;
    }

    public static String key(long authorId) {
        return "outbox:{" + authorId + "}";
    }

    /** Adds the post and trims to the cap in one round trip; re-adding the same post is harmless. */
    public Uni<Void> push(long authorId, PostRef ref) {
        String key = key(authorId);
        return redis.batch(List.of(
                        Request.cmd(Command.ZADD).arg(key).arg(ref.createdAtMillis()).arg(ref.postId()),
                        Request.cmd(Command.ZREMRANGEBYRANK).arg(key).arg(0).arg(-(config.maxEntries() + 1))))
                .replaceWithVoid();
    }

    /**
     * Recreates missing outboxes from their authors' complete history (read from Cassandra), in
     * one round trip. Each gets the sentinel {@value #SENTINEL} (score 0), so an author who never
     * posted has an outbox that says "nothing" instead of no key, which readers would take as cold.
     * A union with whatever a concurrent publish added meanwhile, and capped like {@link #push}.
     */
    public Uni<Void> warm(Map<Long, List<PostRef>> completeHistories) {
        if (completeHistories.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>(completeHistories.size() * 3);
        completeHistories.forEach((author, refs) -> {
            Request zadd = Request.cmd(Command.ZADD).arg(key(author)).arg(0).arg(SENTINEL);
            for (PostRef ref : refs) {
                zadd.arg(ref.createdAtMillis()).arg(ref.postId());
            }
            batch.add(zadd);
            batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(key(author)).arg(0).arg(-(config.maxEntries() + 1)));
            // 75-100% of the TTL: outboxes warmed together (one rebuild reads 500) must not go cold together
            long ttl = config.warmTtl().toMillis();
            batch.add(Request.cmd(Command.PEXPIRE).arg(key(author)).arg(ttl - ThreadLocalRandom.current().nextLong(ttl / 4 + 1)));
        });
        return redis.batch(batch).replaceWithVoid();
    }

    public Uni<Void> remove(long authorId, long postId) {
        return redis.send(Request.cmd(Command.ZREM).arg(key(authorId)).arg(postId)).replaceWithVoid();
    }

    /** The newest {@code limit} refs, newest first (ties in a millisecond: higher id first). */
    public Uni<List<PostRef>> recent(long authorId, int limit) {
        return redis.send(Request.cmd(Command.ZRANGE).arg(key(authorId)).arg("+inf").arg("-inf")
                        .arg("BYSCORE").arg("REV").arg("LIMIT").arg(0).arg(limit).arg("WITHSCORES"))
                .map(OutboxStore::toRefs);
    }

    /**
     * Refs as Redis returns them for {@code ZRANGE ... WITHSCORES} (RESP2 flat or RESP3 pairs), sorted
     * newest first, without the {@link #SENTINEL} (no post has id 0).
     */
    public static List<PostRef> toRefs(Response response) {
        List<PostRef> refs = new ArrayList<>();
        if (response == null) {
            return refs;
        }
        if (response.size() > 0 && response.get(0).size() == 2 && response.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
            for (Response pair : response) {
                refs.add(new PostRef(pair.get(0).toLong(), scoreMillis(pair.get(1))));
            }
        } else {
            for (int i = 0; i + 1 < response.size(); i += 2) {
                refs.add(new PostRef(response.get(i).toLong(), scoreMillis(response.get(i + 1))));
            }
        }
        refs.removeIf(ref -> ref.postId() == SENTINEL);
        refs.sort(null);
        return refs;
    }

    /**
     * A score is whole milliseconds, which RESP2 sends as a decimal string: parsed as a long, not
     * through a double parser (that showed in profiles of the timeline read). RESP3 sends a double.
     */
    static long scoreMillis(Response score) {
        if (score.type() == io.vertx.redis.client.ResponseType.NUMBER) {
            return score.toDouble().longValue();
        }
        String text = score.toString();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return (long) Double.parseDouble(text); // "1.7e12" or a fraction: not ours, but tolerated
        }
    }
}
