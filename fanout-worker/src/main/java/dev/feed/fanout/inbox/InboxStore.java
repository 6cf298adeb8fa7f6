package dev.feed.fanout.inbox;

import dev.feed.fanout.redis.HashSlots;
import dev.feed.fanout.redis.LuaScript;
import dev.feed.fanout.redis.RedisPipeline;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Followers' inboxes: ZSET {@code inbox:{userId}}, post id members scored by createdAt epoch ms.
 *
 * <p>An inbox exists only while its reader is active: reads refresh its TTL, and fanout writes
 * only into inboxes that exist, so inactive readers cost nothing and are rebuilt by pull when
 * they come back. The existence check and the write must be one atomic step (else a push could
 * recreate an inbox that just expired, without TTL, as a forever-"active" partial inbox), hence
 * scripts. Every script call stays inside one Redis Cluster hash slot: in cluster mode a push
 * groups only inboxes of the same slot into one call (with ids spread over 16384 slots that is
 * mostly one inbox per call); on a standalone server there are no slots, and a call takes up to
 * {@code feed.inbox.keys-per-call} inboxes, which is what makes a push cheap: a script call costs
 * Redis about three plain ZADDs (measured, perf/fanout/README.md), paid once per 100 inboxes
 * instead of once per inbox.
 *
 * <p>Trimming removes the lowest ranks, so once an inbox is full the score-0 sentinel goes too;
 * the inbox still exists (that is what "active" means), it is just no longer empty-but-live.
 */
@ApplicationScoped
public class InboxStore {
    /**
     * KEYS inboxes (one hash slot); ARGV score, member, max entries. Returns how many inboxes
     * gained the post: one already holding it (a redelivery) or absent (an inactive reader) adds 0.
     * ZCARD doubles as the existence check (an existing ZSET is never empty) and tells whether a
     * trim is due, so an inbox below its cap costs two calls, not three.
     */
    static final LuaScript PUSH_IF_ACTIVE = new LuaScript("""
            local added = 0
            local max = tonumber(ARGV[3])
            for i = 1, #KEYS do
                local size = redis.call('ZCARD', KEYS[i])
                if size > 0 then
                    local new = redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
                    added = added + new
                    if size + new > max then
                        redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(max + 1))
                    end
                end
            end
            return added
            """);

    /**
     * KEYS inbox, its floor record (one slot: same hash tag); ARGV max entries, mode, floor, then
     * score, member pairs. Returns how many were added, -1 if the inbox is absent, -2 if it was
     * dropped. The entries come as arguments (read from the outbox by the caller) because an outbox
     * key is in another hash slot than the inbox. Modes: {@code all} merges (the entries are all the
     * inbox needs of that author); {@code floor} merges and raises the inbox's floor to the given
     * position (the outbox vouched only down to it, so reads go to Cassandra below it), unless a
     * rebuild is running or the record is gone (feed-service rebuilds then anyway); {@code drop}
     * deletes the inbox (Redis has no outbox: nothing tells what the author posted), so the reader's
     * next read rebuilds it by pull, which reads Cassandra and warms that outbox.
     */
    static final LuaScript MERGE_IF_ACTIVE = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if ARGV[2] == 'drop' then
                redis.call('DEL', KEYS[1], KEYS[2])
                return -2
            end
            local added = 0
            for i = 4, #ARGV, 2 do
                added = added + redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
            if ARGV[2] == 'floor' then
                local current = redis.call('GET', KEYS[2])
                local function newer(a, b)
                    local am, ai = string.match(a, '^(%d+)%.(%d+)$')
                    local bm, bi = string.match(b, '^(%d+)%.(%d+)$')
                    if not bm then return true end
                    if tonumber(am) ~= tonumber(bm) then return tonumber(am) > tonumber(bm) end
                    if #ai ~= #bi then return #ai > #bi end
                    return ai > bi
                end
                if current == 'none' or (current and current ~= 'building' and newer(ARGV[3], current)) then
                    redis.call('SET', KEYS[2], ARGV[3], 'KEEPTTL')
                end
            end
            return added
            """);

    /** How a merge treats a live inbox, by what the outbox vouches for (see {@link #MERGE_IF_ACTIVE}). */
    public enum MergeMode {
        ALL, FLOOR, DROP;

        String wire() {
            return name().toLowerCase();
        }
    }

    private final RedisPipeline pipeline;
    private final InboxConfig config;

    public InboxStore(RedisPipeline pipeline, InboxConfig config) {
        this.pipeline = pipeline;
        this.config = config;
    }

    public static String key(long userId) {
        return "inbox:{" + userId + "}";
    }

    /**
     * How far back a rebuilt inbox is complete ({@code none}, {@code building} or {@code ms.id});
     * feed-service's {@code HomeInboxStore} writes it with the rebuild and reads it with every page.
     */
    public static String floorKey(long userId) {
        return "inbox-floor:{" + userId + "}";
    }

    /**
     * Pushes one post into every listed inbox that exists, trimmed to the cap, in one pipelined
     * round trip. Idempotent: a redelivered batch re-adds the same member with the same score.
     *
     * @return how many inboxes gained the post (active followers that did not have it yet), so a
     *     redelivered batch counts 0 and the delivery metric stays a count of real insertions
     */
    public Uni<Integer> pushToActive(List<Long> userIds, long postId, long createdAtMillis) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<LuaScript.Call> calls = new ArrayList<>();
        for (List<String> keys : HashSlots.group(keys(userIds), config.keysPerCall(), pipeline.cluster())) {
            calls.add(PUSH_IF_ACTIVE.call(keys, createdAtMillis, postId, config.maxEntries()));
        }
        return PUSH_IF_ACTIVE.batch(pipeline, calls).map(InboxStore::sum);
    }

    /**
     * Removes one post from every listed inbox, in one pipelined round trip. ZREM never creates a
     * key, so inactive readers stay inactive.
     *
     * @return how many inboxes held the post
     */
    public Uni<Integer> removeFromAll(List<Long> userIds, long postId) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Request> batch = new ArrayList<>(userIds.size());
        String member = Long.toString(postId);
        for (long userId : userIds) {
            batch.add(Request.cmd(Command.ZREM).arg(key(userId)).arg(member));
        }
        return pipeline.batch(batch).map(InboxStore::sum);
    }

    /** One merge call: the follower's inbox, the mode, the floor ({@code ms.id}, for FLOOR) and the entries. */
    public LuaScript.Call mergeCall(long userId, List<Entry> entries, MergeMode mode, String floor) {
        List<Object> args = new ArrayList<>(3 + 2 * entries.size());
        args.add(config.maxEntries());
        args.add(mode.wire());
        args.add(floor == null ? "" : floor);
        for (Entry entry : entries) {
            args.add(entry.score());
            args.add(entry.member());
        }
        return MERGE_IF_ACTIVE.call(List.of(key(userId), floorKey(userId)), args.toArray());
    }

    /** Merges entries into a live inbox and trims it; an absent inbox stays absent. */
    public Uni<Merge> mergeIfActive(long userId, List<Entry> entries, MergeMode mode, String floor) {
        if (entries.isEmpty() && mode == MergeMode.ALL) {
            return Uni.createFrom().item(new Merge(true, 0));
        }
        return MERGE_IF_ACTIVE.send(pipeline, mergeCall(userId, entries, mode, floor)).map(InboxStore::toMerge);
    }

    /**
     * The same merge into many inboxes, in one pipelined round trip (each call one inbox: one slot).
     *
     * @return inboxes that were live, and how many posts went in
     */
    public Uni<Merge> mergeIntoAll(List<Long> userIds, List<Entry> entries, MergeMode mode, String floor) {
        if (userIds.isEmpty() || (entries.isEmpty() && mode == MergeMode.ALL)) {
            return Uni.createFrom().item(new Merge(false, 0));
        }
        List<LuaScript.Call> calls = new ArrayList<>(userIds.size());
        for (long userId : userIds) {
            calls.add(mergeCall(userId, entries, mode, floor));
        }
        return MERGE_IF_ACTIVE.batch(pipeline, calls).map(responses -> {
            int added = 0;
            boolean anyLive = false;
            for (Response r : responses) {
                Merge m = toMerge(r);
                added += m.added();
                anyLive |= m.active();
            }
            return new Merge(anyLive, added);
        });
    }

    private static Merge toMerge(Response r) {
        return r.toInteger() < 0 ? new Merge(false, 0) : new Merge(true, r.toInteger());
    }

    /** Removes the given members from one inbox in one command; returns how many were there. */
    public Uni<Integer> remove(long userId, List<String> members) {
        if (members.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Request zrem = Request.cmd(Command.ZREM).arg(key(userId));
        members.forEach(zrem::arg);
        return pipeline.send(zrem).map(Response::toInteger);
    }

    private static List<String> keys(List<Long> userIds) {
        List<String> keys = new ArrayList<>(userIds.size());
        for (long userId : userIds) {
            keys.add(key(userId));
        }
        return keys;
    }

    /** Whether Redis answers at all: tells "this batch is bad" apart from "Redis is down". */
    public Uni<Void> ping() {
        return pipeline.send(Request.cmd(Command.PING)).replaceWithVoid();
    }

    private static int sum(List<Response> responses) {
        int total = 0;
        for (Response r : responses) {
            total += r.toInteger();
        }
        return total;
    }

    /** An inbox or outbox entry: a post id member and its createdAt score. */
    public record Entry(String member, long score) {
    }

    public record Merge(boolean active, int added) {
    }
}
