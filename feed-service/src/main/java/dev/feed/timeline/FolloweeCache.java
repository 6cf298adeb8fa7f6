package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Followee lists from relation-service, kept locally until a follow or unfollow event for the
 * reader arrives ({@link FolloweeInvalidator}), or at most {@code feed.timeline.followees-ttl}
 * if events stop arriving. Readers come back every few seconds to minutes, so a short fixed
 * lifetime would miss nearly always and put a relation-service call on every read.
 */
@ApplicationScoped
public class FolloweeCache {
    private final RelationClient relation;
    private final Cache<Long, Followees> cache;
    private final ReaderChanges changes;

    public FolloweeCache(@RestClient RelationClient relation, TimelineConfig config, ReaderChanges changes) {
        this.relation = relation;
        this.changes = changes;
        long ttlNanos = config.followeesTtl().toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfter(jittered(ttlNanos)).build();
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
                .invoke(f -> cache.put(readerId, f));
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
}
