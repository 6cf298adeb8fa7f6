package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Followee lists from relation-service, reused for a few seconds: a scrolling reader asks for
 * several pages in a row, and the short lifetime is what bounds how long an unfollowed author
 * can still appear ({@code feed.timeline.followees-ttl}).
 */
@ApplicationScoped
public class FolloweeCache {
    private final RelationClient relation;
    private final Cache<Long, Followees> cache;

    public FolloweeCache(@RestClient RelationClient relation, TimelineConfig config) {
        this.relation = relation;
        this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(config.followeesTtl()).build();
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

    /** Forgets everything; tests use it after changing the graph. */
    public void invalidateAll() {
        cache.invalidateAll();
    }
}
