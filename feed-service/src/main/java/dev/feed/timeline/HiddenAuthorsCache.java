package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feed.relation.GuardedRelation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each reader's {@link HiddenAuthors} from relation-service, kept like the followee lists
 * ({@link FolloweeCache}): until a block, unblock, mute or unmute event names the reader
 * ({@link FolloweeInvalidator}), or at most {@code feed.timeline.followees-ttl} if events stop
 * arriving. A read whose entry is cached costs nothing extra: no Redis command, no call. A miss
 * is one relation-service call, made beside the followee call, never per post.
 */
@ApplicationScoped
public class HiddenAuthorsCache {
    private final GuardedRelation relation;
    private final Cache<Long, HiddenAuthors> cache;
    /**
     * Served while relation-service is unreachable, within the same bound as the followee lists
     * ({@code feed.timeline.followees-stale-for}). Unlike those, an invalidation drops it: a block
     * must never be undone by an outage, so a reader whose set changed gets a 503 rather than it.
     */
    private final Cache<Long, HiddenAuthors> lastKnown;
    /** Bumped by every invalidation: a fetch that overlapped one may hold the set from before a block, so it is not kept. */
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicLong authoritativeMissed = new AtomicLong();

    private final ReaderChanges changes;

    public HiddenAuthorsCache(GuardedRelation relation, TimelineConfig config, ReaderChanges changes) {
        this.relation = relation;
        this.changes = changes;
        this.lastKnown = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.followeesStaleFor()).build();
        this.cache = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfter(FolloweeCache.<HiddenAuthors>jittered(config.followeesTtl().toNanos())).build();
    }

    Uni<HiddenAuthors> of(long readerId) {
        HiddenAuthors cached = cache.getIfPresent(readerId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long seen = invalidations.get();
        // Deferred: a client that throws instead of failing its Uni still fails this read's Uni.
        return relation.hiddenAuthors(readerId)
                .map(HiddenAuthors::of)
                .invoke(h -> {
                    if (invalidations.get() == seen) {
                        cache.put(readerId, h);
                        lastKnown.put(readerId, h);
                    }
                })
                .onFailure(e -> lastKnown.getIfPresent(readerId) != null)
                .recoverWithItem(() -> lastKnown.getIfPresent(readerId).asStale());
    }

    /**
     * Whether a block lies between the two users, either direction, as relation-service knows it now
     * (a repost across a block is refused with it). A repost is a write, so it asks relation-service
     * instead of trusting the cached set, which learns a block only when its event arrives: a repost
     * in those seconds would otherwise pass. The answer refreshes the cached set on the way.
     *
     * <p>Degraded: with relation-service unreachable (its call failed after the REST client's
     * timeouts and one retry, or its breaker is open), the cached or last known set decides, as it
     * does for reads; with none known the repost fails (503). New blocks cannot be made meanwhile
     * (they are written in relation-service), so what is missed is a block made in the seconds
     * before the outage whose event had not arrived yet.
     */
    public Uni<Boolean> blockedBetween(long userId, long otherId) {
        if (userId == otherId) {
            return Uni.createFrom().item(false);
        }
        long seen = invalidations.get();
        return relation.hiddenAuthors(userId)
                .map(HiddenAuthors::of)
                .invoke(h -> {
                    if (invalidations.get() == seen) {
                        cache.put(userId, h);
                        lastKnown.put(userId, h);
                    }
                })
                .onFailure().recoverWithUni(() -> {
                    authoritativeMissed.incrementAndGet();
                    return of(userId);
                })
                .map(h -> h.blockedWith(otherId));
    }

    /** Block checks answered from the cached set because relation-service was unreachable (tests read it). */
    public long degradedBlockChecks() {
        return authoritativeMissed.get();
    }

    /** Forgets one reader's set (they blocked, muted, unblocked or unmuted someone, or someone blocked them). */
    public void invalidate(long readerId) {
        invalidations.incrementAndGet();
        cache.invalidate(readerId);
        changes.changed(readerId);
        lastKnown.invalidate(readerId);
    }

    /** Forgets the fresh sets only, as their TTL running out would (tests of the degraded read). */
    void expireFresh() {
        cache.invalidateAll();
    }

    public void invalidateAll() {
        invalidations.incrementAndGet();
        cache.invalidateAll();
        changes.changedAll();
        lastKnown.invalidateAll();
    }
}
