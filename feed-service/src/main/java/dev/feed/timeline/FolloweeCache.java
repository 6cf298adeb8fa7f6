package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.feed.relation.GuardedRelation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Followee lists from relation-service, kept locally until a follow or unfollow event for the
 * reader arrives ({@link FolloweeInvalidator}), or at most {@code feed.timeline.followees-ttl}
 * if events stop arriving. Readers come back every few seconds to minutes, so a short fixed
 * lifetime would miss nearly always and put a relation-service call on every read.
 *
 * <p>While relation-service is unreachable (its breaker open, refused, timed out) a read gets the
 * reader's last known lists instead, marked {@link Followees#stale() stale}, if they were fetched
 * at most {@code feed.timeline.followees-stale-for} ago (default 15 min; FEED_TIMELINE_FOLLOWEES_STALE_FOR):
 * that is the staleness bound of a degraded page. A follow or unfollow event does not drop the
 * last known lists (the fresh ones are gone already), so during an outage a follow made just
 * before it may be missing, or an unfollowed author still shown, for at most that bound.
 */
@ApplicationScoped
public class FolloweeCache {
    private final GuardedRelation relation;
    private final Cache<Long, Followees> cache;
    private final Cache<Long, Followees> lastKnown;
    private final ReaderChanges changes;

    public FolloweeCache(GuardedRelation relation, TimelineConfig config, ReaderChanges changes) {
        this.relation = relation;
        this.changes = changes;
        long ttlNanos = config.followeesTtl().toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfter(jittered(ttlNanos)).build();
        this.lastKnown = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.followeesStaleFor()).build();
    }

    /**
     * Each entry lives a random 75-100% of the TTL. With one fixed lifetime, readers who arrived
     * together (a deploy, a benchmark's warm-up) refetch together every TTL: the bench measured
     * waves of relation-service calls every 30 s and 10x the read latency inside them.
     */
    static <V> Expiry<Long, V> jittered(long ttlNanos) {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(Long reader, V f, long now) {
                return ttlNanos - ThreadLocalRandom.current().nextLong(ttlNanos / 4 + 1);
            }

            @Override
            public long expireAfterUpdate(Long reader, V f, long now, long current) {
                return expireAfterCreate(reader, f, now);
            }

            @Override
            public long expireAfterRead(Long reader, V f, long now, long current) {
                return current;
            }
        };
    }

    Uni<Followees> of(long readerId) {
        Followees cached = cache.getIfPresent(readerId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return relation.followees(readerId)
                .map(raw -> Followees.of(readerId, raw))
                .invoke(f -> {
                    cache.put(readerId, f);
                    lastKnown.put(readerId, f);
                })
                .onFailure(e -> lastKnown.getIfPresent(readerId) != null)
                .recoverWithItem(() -> lastKnown.getIfPresent(readerId).asStale());
    }

    /** Forgets one reader's lists (they followed or unfollowed someone). */
    public void invalidate(long readerId) {
        cache.invalidate(readerId);
        changes.changed(readerId);
    }

    /** Forgets everything (an author changed tier, or tests changed the graph). */
    public void invalidateAll() {
        cache.invalidateAll();
        changes.changedAll();
    }

    /** Forgets the last known lists too (tests that change the graph wholesale). */
    public void forgetAll() {
        cache.invalidateAll();
        lastKnown.invalidateAll();
    }
}
