package dev.feed.timeline;

import dev.feed.outbox.OutboxConfig;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Cursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How many home-timeline items are strictly newer than a position, up to a cap: ZCOUNT on the
 * inbox and on each pull-tier followee's outbox, in one pipelined round trip; no post is read.
 * Where a ZSET cannot vouch for the whole range (the inbox is trimmed below its cap past the
 * position, was rebuilt with a floor above it, or is missing; an outbox is cold), the count
 * comes from the upward read of {@link SinceTimeline} instead, bounded by the cap.
 *
 * <p>With Redis unreachable (a call failed or timed out, or the breaker of {@link RedisOrCassandra}
 * is open) the count is the upward read from Cassandra alone, bounded by the cap, behind the same
 * bulkhead as degraded timeline pages, and counted on {@code feed.degraded.reads{reason=redis}}:
 * still exact (deleted posts are left out, as Cassandra knows them), only dearer. Beyond the
 * bulkhead a marker read is a 503 with Retry-After, as a degraded page is.
 *
 * <p>The fast path counts what the ZSETs hold: a post deleted in the last seconds, or by an author
 * just unfollowed, counts until the background unpush or unmerge removes it from the inbox.
 */
@ApplicationScoped
public class UnreadCounter {
    private final FolloweeCache followees;
    private final Redis redis;
    private final InboxConfig inboxConfig;
    private final OutboxConfig outboxConfig;
    private final SinceTimeline since;
    private final RedisOrCassandra redisOrCassandra;

    public UnreadCounter(FolloweeCache followees, Redis redis, InboxConfig inboxConfig, OutboxConfig outboxConfig, SinceTimeline since,
            RedisOrCassandra redisOrCassandra) {
        this.redisOrCassandra = redisOrCassandra;
        this.followees = followees;
        this.redis = redis;
        this.inboxConfig = inboxConfig;
        this.outboxConfig = outboxConfig;
        this.since = since;
    }

    /** Home-timeline items strictly newer than {@code above}, at most {@code cap}. */
    public Uni<Integer> count(long readerId, Cursor above, int cap) {
        return redisOrCassandra.read(() -> fromRedis(readerId, above, cap),
                () -> since.oldestFirst(readerId, above, cap, true).map(a -> a.items().size()), UnaryOperator.identity());
    }

    private Uni<Integer> fromRedis(long readerId, Cursor above, int cap) {
        return followees.of(readerId).chain(f -> {
            List<Request> batch = new ArrayList<>((f.pull().size() + 1) * ZsetWindows.COUNT_REQUESTS + 1);
            batch.add(Request.cmd(Command.GET).arg(HomeInboxStore.floorKey(readerId)));
            batch.addAll(ZsetWindows.countRequests(HomeInboxStore.key(readerId), above));
            for (long author : f.pull()) {
                batch.addAll(ZsetWindows.countRequests(OutboxStore.key(author), above));
            }
            return redis.batch(batch).chain(r -> {
                long total = fastCount(r, f, above);
                if (total >= 0) {
                    return Uni.createFrom().item((int) Math.min(cap, total));
                }
                return since.oldestFirst(readerId, above, cap, false).map(a -> a.items().size());
            });
        });
    }

    /** The sum over the ZSETs, or -1 if one of them cannot vouch down to the position. */
    private long fastCount(List<Response> r, Followees f, Cursor above) {
        String floor = r.get(0) == null ? null : r.get(0).toString();
        if (floor != null && (HomeInboxStore.BUILDING.equals(floor)
                || (!HomeInboxStore.NO_FLOOR.equals(floor) && Cursor.parse(floor).isBefore(
                        new dev.feed.hotcache.PostRef(above.postId(), above.createdAtMillis()))))) {
            return -1;
        }
        long total = ZsetWindows.parseCount(r, 1, above, inboxConfig.maxEntries());
        if (total < 0) {
            return -1;
        }
        for (int i = 0; i < f.pull().size(); i++) {
            long n = ZsetWindows.parseCount(r, 1 + (i + 1) * ZsetWindows.COUNT_REQUESTS, above, outboxConfig.maxEntries());
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }
}
