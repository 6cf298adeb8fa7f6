package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader's side of {@code inbox:{userId}} (fanout-worker writes it): activity refresh, a page
 * after a cursor, and the rebuild bookkeeping. Every key of one reader shares the {@code {userId}}
 * hash tag, so a reader's batch stays in one Redis Cluster slot.
 *
 * <p>{@code inbox-floor:{userId}} records how far back a rebuilt inbox is complete: the value
 * {@value #BUILDING} while a rebuild runs (a crashed rebuild leaves it, so the next read rebuilds
 * again), {@value #NO_FLOOR} when it is complete to the beginning, else a cursor. It lives and
 * dies with the inbox (same TTL, refreshed together).
 */
@ApplicationScoped
public class HomeInboxStore {
    static final String BUILDING = "building";
    static final String NO_FLOOR = "none";
    /**
     * KEYS[1] inbox; ARGV score, member, max entries. The same push fanout-worker makes into a
     * follower's inbox: only into an inbox that exists (an inactive author is rebuilt by pull,
     * own outbox included), trimmed to the cap; ZCARD is the existence check.
     */
    private static final String PUSH_IF_ACTIVE = """
            local size = redis.call('ZCARD', KEYS[1])
            if size == 0 then return 0 end
            local new = redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            if size + new > tonumber(ARGV[3]) then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1)) end
            return new
            """;
    /** KEYS inbox, floor (one slot: same hash tag); ARGV ttl ms, floor, max entries, then score, member pairs. */
    private static final String FILL_IF_OPEN = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if #ARGV >= 5 then redis.call('ZADD', KEYS[1], unpack(ARGV, 4)) end
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1])
            return 1
            """;
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final Redis redis;
    private final InboxConfig config;
    private final ActivityRefresh activity;

    public HomeInboxStore(Redis redis, InboxConfig config) {
        this.redis = redis;
        this.config = config;
        this.activity = new ActivityRefresh(config.refreshInterval(), Ticker.systemTicker());
    }

    public static String key(long userId) {
        return "inbox:{" + userId + "}";
    }

    static String floorKey(long userId) {
        return "inbox-floor:{" + userId + "}";
    }

    static String lockKey(long userId) {
        return "rebuild:{" + userId + "}";
    }

    enum State { LIVE, MISSING, REBUILDING }

    /** @param alongside the answers to the requests sent along with the page, in their order */
    record InboxRead(State state, Window window, List<Response> alongside) {
        InboxRead(State state, Window window) {
            this(state, window, List.of());
        }
    }

    Uni<InboxRead> touchAndRead(long userId, Cursor cursor, int count) {
        return touchAndRead(userId, cursor, count, List.of());
    }

    /**
     * Reads one page, and refreshes the reader's activity if it is due, in one round trip, which
     * also carries {@code alongside} (the read's other lookups, such as the tombstone stamps; they
     * may name keys of other hash slots, see EventLoopRedis for Redis Cluster). The inbox's
     * existence is its ZCARD (an existing ZSET is never empty: a live inbox keeps at least its
     * sentinel until it fills up).
     */
    Uni<InboxRead> touchAndRead(long userId, Cursor cursor, int count, List<Request> alongside) {
        boolean refresh = activity.due(userId);
        List<Request> batch = new ArrayList<>(3 + ZsetWindows.requestCount(cursor) + alongside.size());
        if (refresh) {
            long ttl = config.ttl().toMillis();
            batch.add(Request.cmd(Command.PEXPIRE).arg(key(userId)).arg(ttl));
            batch.add(Request.cmd(Command.PEXPIRE).arg(floorKey(userId)).arg(ttl));
        }
        batch.add(Request.cmd(Command.GET).arg(floorKey(userId)));
        int header = batch.size();
        batch.addAll(ZsetWindows.requests(key(userId), cursor, count));
        int others = batch.size();
        batch.addAll(alongside);
        return redis.batch(batch).map(r -> {
            InboxRead read = toRead(userId, r, header, cursor, count);
            return new InboxRead(read.state(), read.window(), r.subList(others, r.size()));
        });
    }

    private InboxRead toRead(long userId, List<Response> r, int header, Cursor cursor, int count) {
        String floor = r.get(header - 1) == null ? null : r.get(header - 1).toString();
        // No floor record beside an inbox: it was lost on its own (Redis evicted or lost one key), and
        // with it how far back the inbox is complete; rebuilding is a union, so it is the safe answer.
        if (ZsetWindows.size(r, header) == 0 || floor == null) {
            activity.forget(userId);
            return new InboxRead(State.MISSING, Window.EMPTY);
        }
        // Only an unfinished rebuild (floor BUILDING) hides the inbox; the lock alone may be a
        // late reader checking, under the lock, that someone else's rebuild already finished.
        if (BUILDING.equals(floor)) {
            return new InboxRead(State.REBUILDING, Window.EMPTY);
        }
        Window window = ZsetWindows.parse(r, header, cursor, count);
        return new InboxRead(State.LIVE, new Window(window.refs(), Window.newer(window.floor(), parseFloor(floor))));
    }

    /**
     * Reads the {@code count} entries closest above {@code since} (the upward page of
     * {@link SinceTimeline}), refreshing activity as {@link #touchAndRead} does, in one round trip.
     */
    Uni<InboxRead> touchAndReadSince(long userId, Cursor since, int count) {
        boolean refresh = activity.due(userId);
        List<Request> batch = new ArrayList<>(3 + ZsetWindows.SINCE_REQUESTS);
        if (refresh) {
            long ttl = config.ttl().toMillis();
            batch.add(Request.cmd(Command.PEXPIRE).arg(key(userId)).arg(ttl));
            batch.add(Request.cmd(Command.PEXPIRE).arg(floorKey(userId)).arg(ttl));
        }
        batch.add(Request.cmd(Command.GET).arg(floorKey(userId)));
        int header = batch.size();
        batch.addAll(ZsetWindows.sinceRequests(key(userId), since, count));
        return redis.batch(batch).map(r -> {
            String floor = r.get(header - 1) == null ? null : r.get(header - 1).toString();
            if (ZsetWindows.sinceSize(r, header) == 0) {
                activity.forget(userId);
                return new InboxRead(State.MISSING, Window.EMPTY);
            }
            if (BUILDING.equals(floor)) {
                return new InboxRead(State.REBUILDING, Window.EMPTY);
            }
            Window window = ZsetWindows.parseSince(r, header, since, count, config.maxEntries());
            return new InboxRead(State.LIVE, new Window(window.refs(), Window.newer(window.floor(), parseFloor(floor))));
        });
    }

    private static Cursor parseFloor(String raw) {
        return raw == null || NO_FLOOR.equals(raw) ? null : Cursor.parse(raw);
    }

    // ---- the author's own posts (PublishService): delivered to self, as fanout delivers to followers ----

    /**
     * Puts the author's own new post into their inbox, if they are active, so their reads need
     * no outbox read of their own. Idempotent: a retried dispatch re-adds the same member.
     */
    public Uni<Void> pushOwn(long authorId, PostRef ref) {
        return redis.send(Request.cmd(Command.EVAL).arg(PUSH_IF_ACTIVE).arg(1).arg(key(authorId))
                        .arg(ref.createdAtMillis()).arg(ref.postId()).arg(config.maxEntries()))
                .replaceWithVoid();
    }

    /** Takes the author's deleted post out of their inbox (tombstones already hide it; this frees the slot). */
    public Uni<Void> removeOwn(long authorId, long postId) {
        return redis.send(ownRemoval(authorId, postId)).replaceWithVoid();
    }

    /** The request of {@link #removeOwn}, for a caller's pipelined batch. */
    public static Request ownRemoval(long authorId, long postId) {
        return Request.cmd(Command.ZREM).arg(key(authorId)).arg(postId);
    }

    // ---- rebuild bookkeeping (InboxRebuilder) ----

    /** True if the inbox exists and a finished rebuild recorded its floor (no floor: unknown, rebuild). */
    Uni<Boolean> isBuilt(long userId) {
        return redis.batch(List.of(Request.cmd(Command.EXISTS).arg(key(userId)), Request.cmd(Command.GET).arg(floorKey(userId))))
                .map(r -> r.get(0).toInteger() == 1 && r.get(1) != null && !BUILDING.equals(r.get(1).toString()));
    }

    /** SET NX PX: true if this caller now owns the reader's rebuild. */
    Uni<Boolean> tryLock(long userId, String token, long leaseMillis) {
        return redis.send(Request.cmd(Command.SET).arg(lockKey(userId)).arg(token).arg("NX").arg("PX").arg(leaseMillis))
                .map(r -> r != null && "OK".equals(r.toString()));
    }

    Uni<Boolean> isLocked(long userId) {
        return redis.send(Request.cmd(Command.EXISTS).arg(lockKey(userId))).map(r -> r.toInteger() == 1);
    }

    /** Releases the lock only if this caller still owns it (the lease may have passed to another). */
    Uni<Void> unlock(long userId, String token) {
        return redis.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lockKey(userId)).arg(token)).replaceWithVoid();
    }

    /**
     * Makes the inbox exist (sentinel) before the outboxes are read, so fanout pushes that race the
     * rebuild land in it instead of being skipped; the BUILDING floor keeps readers off it meanwhile.
     */
    Uni<Void> open(long userId) {
        long ttl = config.ttl().toMillis();
        return redis.batch(List.of(
                        Request.cmd(Command.ZADD).arg(key(userId)).arg(0).arg(ZsetWindows.SENTINEL),
                        Request.cmd(Command.PEXPIRE).arg(key(userId)).arg(ttl),
                        Request.cmd(Command.SET).arg(floorKey(userId)).arg(BUILDING).arg("PX").arg(ttl)))
                .replaceWithVoid();
    }

    /**
     * Adds the rebuilt refs (a union: pushes that arrived meanwhile stay), trims, and records the
     * floor, unless the inbox is gone: fanout-worker drops a live inbox it cannot keep complete (a
     * follow merge from an outbox Redis lost), and a rebuild that read its outboxes before that must
     * not bring it back; the reader then rebuilds again.
     */
    Uni<Void> fill(long userId, List<PostRef> refs, Cursor floor) {
        Request eval = Request.cmd(Command.EVAL).arg(FILL_IF_OPEN).arg(2).arg(key(userId)).arg(floorKey(userId))
                .arg(config.ttl().toMillis()).arg(floor == null ? NO_FLOOR : floor.toString()).arg(config.maxEntries());
        for (PostRef ref : refs) {
            eval.arg(ref.createdAtMillis()).arg(ref.postId());
        }
        return redis.send(eval).replaceWithVoid();
    }
}
