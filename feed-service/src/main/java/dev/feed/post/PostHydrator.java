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
 * Turns post ids into API posts: one Redis round trip for tombstones, a local cache of posts, then
 * Cassandra for the misses (one batched call) and one batched author lookup. Never one store call
 * per post. Posts are immutable but deletable, so the local copy is only trusted together with the
 * tombstone check, and only under the tombstone generation it was loaded under (a lost tombstone
 * shard takes its recent deletes with it; Cassandra's deleted_at answers for them then): a page
 * never shows a post after its delete returned, whatever an inbox, a cache or Redis lost.
 *
 * <p>A timeline read brings the tombstone shards' {@link Tombstones.Stamps} from the pipeline of its
 * inbox page: a cached post last checked clean under its shard's current stamp (no delete recorded
 * since) is served without a tombstone round trip, so a steady-state read is one Redis round trip.
 */
@ApplicationScoped
public class PostHydrator {
    /** Shorter than {@link Tombstones#TTL}, so a cached copy never outlives its tombstone. */
    static final Duration CACHE_TTL = Duration.ofMinutes(10);

    private final PostStore posts;
    private final AuthorDirectory authors;
    private final Tombstones tombstones;
    private final Cache<Long, Cached> cache = Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(CACHE_TTL).build();
    private final Counter hits;
    private final Counter misses;

    public PostHydrator(PostStore posts, AuthorDirectory authors, Tombstones tombstones, MeterRegistry metrics) {
        this.posts = posts;
        this.authors = authors;
        this.tombstones = tombstones;
        this.hits = metrics.counter("feed_post_cache_hits_total");
        this.misses = metrics.counter("feed_post_cache_misses_total");
    }

    /**
     * Posts for the ids, in the given order, without deleted or unknown ones, nor reposts whose
     * original is deleted or unknown.
     */
    public Uni<List<PostView>> hydrate(List<Long> ids) {
        return hydrate(ids, null);
    }

    /**
     * As {@link #hydrate(List)}, with the tombstone shards' stamps read at the start of this read
     * (null: none), which spare the tombstone round trip for cached posts checked clean under them.
     */
    public Uni<List<PostView>> hydrate(List<Long> ids, Tombstones.Stamps stamps) {
        return liveById(ids, stamps).chain(live -> views(live, stamps));
    }

    /** The subset of ids deleted within the tombstone TTL, sparing the round trip for posts clean under the stamps. */
    public Uni<Set<Long>> deleted(List<Long> ids, Tombstones.Stamps stamps) {
        List<Long> unchecked = new ArrayList<>(ids.size());
        for (long id : ids) {
            if (cleanUnder(id, stamps) == null) {
                unchecked.add(id);
            }
        }
        return unchecked.isEmpty() ? Uni.createFrom().item(Set.of()) : tombstones.deleted(unchecked);
    }

    /**
     * API posts for loaded posts: the originals of all reposts among them in one batch (one
     * tombstone round trip, cache, one concurrent Cassandra load of the misses), then one author
     * lookup for reposters and original authors together. Never a lookup per repost. A repost whose
     * original is gone is dropped: deleting an original hides its reposts at once, everywhere.
     */
    public Uni<List<PostView>> views(List<Post> posts) {
        return views(posts, null);
    }

    private Uni<List<PostView>> views(List<Post> posts, Tombstones.Stamps stamps) {
        Set<Long> originalIds = new LinkedHashSet<>();
        posts.forEach(p -> {
            if (p.isRepost()) {
                originalIds.add(p.repostOf());
            }
        });
        if (originalIds.isEmpty()) {
            return withAuthors(posts, Map.of());
        }
        return liveById(List.copyOf(originalIds), stamps).chain(originals -> {
            Map<Long, Post> byId = new HashMap<>();
            originals.forEach(o -> byId.put(o.id(), o));
            return withAuthors(posts, byId);
        });
    }

    /**
     * Live posts in the order of the ids: those cached and checked clean under the current stamps
     * straight from the cache, the others through one tombstone round trip (then cache, then Cassandra).
     */
    private Uni<List<Post>> liveById(List<Long> ids, Tombstones.Stamps stamps) {
        if (stamps == null) {
            return tombstones.check(ids).chain(check -> load(ids, check).map(found -> live(ids, found, check)));
        }
        Map<Long, Post> clean = new HashMap<>();
        List<Long> unchecked = new ArrayList<>();
        for (long id : ids) {
            Post p = cleanUnder(id, stamps);
            if (p != null) {
                clean.put(id, p);
            } else {
                unchecked.add(id);
            }
        }
        if (unchecked.isEmpty()) {
            hits.increment(ids.size());
            return Uni.createFrom().item(inOrder(ids, clean));
        }
        return tombstones.check(unchecked).chain(check -> load(unchecked, check).map(found -> {
            hits.increment(clean.size());
            live(unchecked, found, check).forEach(p -> clean.put(p.id(), p));
            return inOrder(ids, clean);
        }));
    }

    /** The cached post if it was checked clean under its shard's stamp (no delete since), else null. */
    private Post cleanUnder(long id, Tombstones.Stamps stamps) {
        if (stamps == null) {
            return null;
        }
        Cached c = cache.getIfPresent(id);
        Tombstones.Stamp stamp = c == null ? null : stamps.of(id);
        return stamp != null && c.generation() == stamp.generation() && c.cleanAt() == stamp.sequence() ? c.post() : null;
    }

    private static List<Post> inOrder(List<Long> ids, Map<Long, Post> byId) {
        List<Post> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            Post p = byId.get(id);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Posts for the ids from Cassandra alone, in the given order, without deleted or unknown ones:
     * the degraded read while Redis is down (no tombstone shard to ask; Cassandra's deleted_at is
     * the durable truth of a delete, so a deleted post still never shows). Not cached: the local
     * cache is only trusted under a tombstone generation, which needs Redis.
     */
    public Uni<List<PostView>> hydrateDurable(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return posts.findAll(ids).map(found -> {
            List<Post> live = new ArrayList<>(ids.size());
            for (long id : ids) {
                Post p = found.get(id);
                if (p != null && !p.deleted()) {
                    live.add(p);
                }
            }
            return live;
        }).chain(this::withDurableOriginals);
    }

    /**
     * As {@link #views(List)} for posts loaded from Cassandra, without Redis: the originals of
     * reposts from Cassandra alone, deleted ones left out (the degraded read of one author's posts).
     */
    public Uni<List<PostView>> viewsDurable(List<Post> live) {
        return withDurableOriginals(live);
    }

    /** The degraded read's reposts: their originals from Cassandra alone too, deleted ones left out. */
    private Uni<List<PostView>> withDurableOriginals(List<Post> live) {
        List<Long> originalIds = live.stream().filter(Post::isRepost).map(Post::repostOf).distinct().toList();
        if (originalIds.isEmpty()) {
            return withAuthors(live, Map.of());
        }
        return posts.findAll(originalIds).chain(found -> {
            Map<Long, Post> originals = new HashMap<>();
            found.values().stream().filter(o -> !o.deleted()).forEach(o -> originals.put(o.id(), o));
            return withAuthors(live, originals);
        });
    }

    /** Forgets a post (a delete seen on this instance); the tombstone check covers the others. */
    public void evict(long postId) {
        cache.invalidate(postId);
    }

    /**
     * Cached copies trusted under the tombstone generation they were loaded under, Cassandra for the
     * rest. The tombstones are read first: a copy loaded after that read is at least as fresh as it.
     */
    private Uni<Map<Long, Post>> load(List<Long> ids, Tombstones.Check check) {
        Map<Long, Post> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            Cached c = cache.getIfPresent(id);
            Long generation = check.generationOf(id);
            if (c != null && generation != null && c.generation() == generation) {
                found.put(id, c.post());
            } else {
                missing.add(id); // not cached, or cached before its tombstone shard was lost
            }
        }
        hits.increment(found.size());
        misses.increment(missing.size());
        if (missing.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        return posts.findAll(missing).map(loaded -> {
            for (Post p : loaded.values()) {
                Long generation = check.generationOf(p.id());
                if (!p.deleted() && generation != null) {
                    cache.put(p.id(), new Cached(p, generation, NOT_CHECKED)); // live() records the check
                }
            }
            found.putAll(loaded);
            return found;
        });
    }

    private List<Post> live(List<Long> ids, Map<Long, Post> found, Tombstones.Check check) {
        List<Post> live = new ArrayList<>(ids.size());
        for (long id : ids) {
            Post p = found.get(id);
            if (p == null || p.deleted()) {
                continue;
            }
            if (check.deleted().contains(id)) {
                cache.invalidate(id);
            } else {
                live.add(p);
                remember(p, check.stampOf(id));
            }
        }
        return live;
    }

    /** Records that the cached post was checked clean under the stamp (its generation is the one it was cached under). */
    private void remember(Post p, Tombstones.Stamp stamp) {
        if (stamp == null) {
            return;
        }
        Cached c = cache.getIfPresent(p.id());
        if (c != null && c.generation() == stamp.generation() && c.cleanAt() != stamp.sequence()) {
            cache.put(p.id(), new Cached(c.post(), c.generation(), stamp.sequence()));
        }
    }

    /** No sequence is ever this: a copy not yet checked clean under any stamp. */
    private static final long NOT_CHECKED = -1;

    /**
     * A post as loaded from Cassandra, the tombstone generation of its shard read before that load,
     * and the shard's sequence when it was last checked clean ({@link #NOT_CHECKED} before that).
     */
    private record Cached(Post post, long generation, long cleanAt) {
    }

    private Uni<List<PostView>> withAuthors(List<Post> live, Map<Long, Post> originals) {
        Set<Long> authorIds = new LinkedHashSet<>();
        live.forEach(p -> authorIds.add(p.authorId()));
        originals.values().forEach(p -> authorIds.add(p.authorId()));
        return authors.authors(authorIds).map(byId -> {
            List<PostView> views = new ArrayList<>(live.size());
            for (Post p : live) {
                Author author = byId.getOrDefault(p.authorId(), Author.unknown(p.authorId()));
                if (!p.isRepost()) {
                    views.add(PostView.of(p, author));
                    continue;
                }
                Post original = originals.get(p.repostOf());
                if (original != null) {
                    views.add(PostView.repost(p, author,
                            PostView.of(original, byId.getOrDefault(original.authorId(), Author.unknown(original.authorId())))));
                }
            }
            return views;
        });
    }
}
