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
import java.util.Set;
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

    /**
     * KEYS[1] outbox; ARGV score, member, max entries. Adds the post only to an outbox that exists:
     * a ZADD onto a key Redis lost (a restart, an expired warm-up) would create an outbox of this
     * one post. Returns 0 when it does not exist; the caller then warms it from Cassandra.
     */
    private static final String PUSH_IF_PRESENT = """
            local size = redis.call('ZCARD', KEYS[1])
            if size == 0 then return 0 end
            local new = redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            if size + new > tonumber(ARGV[3]) then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1)) end
            return 1
            """;

    /**
     * Adds the post to the author's outbox, trimmed to the cap, in one round trip; re-adding the
     * same post is harmless. False if the outbox does not exist (nothing written): the caller warms
     * it from Cassandra, which holds this post already.
     */
    public Uni<Boolean> push(long authorId, PostRef ref) {
        return redis.send(Request.cmd(Command.EVAL).arg(PUSH_IF_PRESENT).arg(1).arg(key(authorId))
                        .arg(ref.createdAtMillis()).arg(ref.postId()).arg(config.maxEntries()))
                .map(r -> r.toInteger() == 1);
    }

    /**
     * Writes authors' newest posts read from Cassandra into their outboxes, in one round trip: a
     * union with whatever a publish added meanwhile, capped like {@link #push}. An author in
     * {@code complete} (Cassandra had fewer than asked: the whole history) gets the sentinel
     * {@value #SENTINEL} (score 0), so even "never posted" becomes an outbox that says so. Any other
     * is written with as many posts as the cap, so it vouches down to its oldest entry, as a trimmed
     * outbox does. Without the sentinel an outbox is never taken for the whole history.
     */
    public Uni<Void> warm(Map<Long, List<PostRef>> newest, Set<Long> complete) {
        if (newest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>(newest.size() * 3);
        newest.forEach((author, refs) -> {
            if (refs.isEmpty() && !complete.contains(author)) {
                return;
            }
            Request zadd = Request.cmd(Command.ZADD).arg(key(author));
            if (complete.contains(author)) {
                zadd.arg(0).arg(SENTINEL);
            }
            for (PostRef ref : refs) {
                zadd.arg(ref.createdAtMillis()).arg(ref.postId());
            }
            batch.add(zadd);
            batch.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(key(author)).arg(0).arg(-(config.maxEntries() + 1)));
            // 75-100% of the TTL: outboxes warmed together (one rebuild reads 500) must not go cold together
            long ttl = config.warmTtl().toMillis();
            batch.add(Request.cmd(Command.PEXPIRE).arg(key(author)).arg(ttl - ThreadLocalRandom.current().nextLong(ttl / 4 + 1)));
        });
        return batch.isEmpty() ? Uni.createFrom().voidItem() : redis.batch(batch).replaceWithVoid();
    }

    public Uni<Void> remove(long authorId, long postId) {
        return redis.send(removal(authorId, postId)).replaceWithVoid();
    }

    /** The request of {@link #remove}, for a caller's pipelined batch. */
    public static Request removal(long authorId, long postId) {
        return Request.cmd(Command.ZREM).arg(key(authorId)).arg(postId);
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
