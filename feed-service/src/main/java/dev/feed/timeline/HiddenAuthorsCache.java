package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Each reader's {@link HiddenAuthors} from relation-service, kept like the followee lists
 * ({@link FolloweeCache}): until a block, unblock, mute or unmute event names the reader
 * ({@link FolloweeInvalidator}), or at most {@code feed.timeline.followees-ttl} if events stop
 * arriving. A read whose entry is cached costs nothing extra: no Redis command, no call. A miss
 * is one relation-service call, made beside the followee call, never per post.
 */
@ApplicationScoped
public class HiddenAuthorsCache {
    private final RelationClient relation;
    private final Cache<Long, HiddenAuthors> cache;
    /** Bumped by every invalidation: a fetch that overlapped one may hold the set from before a block, so it is not kept. */
    private final AtomicLong invalidations = new AtomicLong();

    private final ReaderChanges changes;

    public HiddenAuthorsCache(@RestClient RelationClient relation, TimelineConfig config, ReaderChanges changes) {
        this.relation = relation;
        this.changes = changes;
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
        return Uni.createFrom().deferred(() -> relation.hiddenAuthors(readerId))
                .map(HiddenAuthors::of)
                .invoke(h -> {
                    if (invalidations.get() == seen) {
                        cache.put(readerId, h);
                    }
                });
    }

    /** Forgets one reader's set (they blocked, muted, unblocked or unmuted someone, or someone blocked them). */
    public void invalidate(long readerId) {
        invalidations.incrementAndGet();
        cache.invalidate(readerId);
        changes.changed(readerId);
    }

    public void invalidateAll() {
        invalidations.incrementAndGet();
        cache.invalidateAll();
        changes.changedAll();
    }
}
