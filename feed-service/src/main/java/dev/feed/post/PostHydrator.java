package dev.feed.post;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feed.author.Author;
import dev.feed.author.AuthorDirectory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns post ids into API posts: a local cache of posts first, Cassandra for the misses (one
 * batched call), then one Redis round trip for tombstones and one batched author lookup. Never
 * one store call per post. Posts are immutable but deletable, so the local copy is only trusted
 * together with the tombstone check: a page never shows a post after its delete returned,
 * whatever an inbox or a cache still holds.
 */
@ApplicationScoped
public class PostHydrator {
    /** Shorter than {@link Tombstones#TTL}, so a cached copy never outlives its tombstone. */
    static final Duration CACHE_TTL = Duration.ofMinutes(10);

    private final PostStore posts;
    private final AuthorDirectory authors;
    private final Tombstones tombstones;
    private final Cache<Long, Post> cache = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(CACHE_TTL).build();
    private final Counter hits;
    private final Counter misses;

    public PostHydrator(PostStore posts, AuthorDirectory authors, Tombstones tombstones, MeterRegistry metrics) {
        this.posts = posts;
        this.authors = authors;
        this.tombstones = tombstones;
        this.hits = metrics.counter("feed_post_cache_hits_total");
        this.misses = metrics.counter("feed_post_cache_misses_total");
    }

    /** Posts for the ids, in the given order, without deleted or unknown ones. */
    public Uni<List<PostView>> hydrate(List<Long> ids) {
        return load(ids)
                .chain(found -> dropTombstoned(ids, found))
                .chain(this::withAuthors);
    }

    /** Forgets a post (a delete seen on this instance); the tombstone check covers the others. */
    public void evict(long postId) {
        cache.invalidate(postId);
    }

    private Uni<Map<Long, Post>> load(List<Long> ids) {
        Map<Long, Post> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            Post p = cache.getIfPresent(id);
            if (p != null) {
                found.put(id, p);
            } else {
                missing.add(id);
            }
        }
        hits.increment(found.size());
        misses.increment(missing.size());
        if (missing.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        return posts.findAll(missing).map(loaded -> {
            loaded.values().stream().filter(p -> !p.deleted()).forEach(p -> cache.put(p.id(), p));
            found.putAll(loaded);
            return found;
        });
    }

    private Uni<List<Post>> dropTombstoned(List<Long> ids, Map<Long, Post> found) {
        List<Long> candidates = new ArrayList<>();
        for (long id : ids) {
            Post p = found.get(id);
            if (p != null && !p.deleted()) {
                candidates.add(id);
            }
        }
        return tombstones.deleted(candidates).map(deleted -> {
            List<Post> live = new ArrayList<>(candidates.size());
            for (long id : candidates) {
                if (deleted.contains(id)) {
                    cache.invalidate(id);
                } else {
                    live.add(found.get(id));
                }
            }
            return live;
        });
    }

    private Uni<List<PostView>> withAuthors(List<Post> live) {
        Set<Long> authorIds = new LinkedHashSet<>();
        live.forEach(p -> authorIds.add(p.authorId()));
        return authors.authors(authorIds).map(byId -> {
            List<PostView> views = new ArrayList<>(live.size());
            for (Post p : live) {
                views.add(PostView.of(p, byId.getOrDefault(p.authorId(), Author.unknown(p.authorId()))));
            }
            return views;
        });
    }
}
