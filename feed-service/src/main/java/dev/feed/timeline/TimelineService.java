package dev.feed.timeline;

import dev.feed.author.TierTransitions;
import dev.feed.hot.HotConfig;
import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxConfig;
import dev.feed.post.Cursor;
import dev.feed.post.PostHydrator;
import dev.feed.post.PostPage;
import dev.feed.post.PostView;
import dev.feed.post.Tombstones;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The home timeline: the reader's inbox (push-tier followees' posts and the reader's own, both
 * delivered on publish) and the pull-tier followees' recent posts (hot-cache, else outbox, else
 * Cassandra), merged newest first by (createdAt, id) and hydrated.
 *
 * <p>Each source is a {@link Window} that vouches for its posts down to a floor. Candidates above
 * the newest floor come from Redis and memory; if they do not fill the page, the rest continues
 * from Cassandra below that floor, so a timeline never ends early because a cache was trimmed.
 *
 * <p>Degraded, not failed (DESIGN "When a dependency fails"): with relation-service unreachable the
 * page is built on the reader's last known followees ({@link FolloweeCache}); with Redis
 * unreachable (a call failed or timed out, or its breaker is open: {@link RedisOrCassandra}) the
 * page is read from Cassandra alone, at most {@code feed.timeline.degraded-concurrency} such reads at
 * a time, the same number queued, the rest 503 with Retry-After. Either way the page says
 * {@code "degraded": true} and {@link DegradedReads} counts it.
 */
@ApplicationScoped
public class TimelineService {
    /** Rounds of "fetch more" when hydration dropped deleted or unfollowed posts. */
    private static final int MAX_ROUNDS = 4;
    private final FolloweeCache followees;
    private final HiddenAuthorsCache hiddenAuthors;
    private final HomeInboxStore inbox;
    private final InboxRebuilder rebuilder;
    private final OutboxReader outboxes;
    private final ArchiveReader archive;
    private final HotCache hotCache;
    private final PostHydrator hydrator;
    private final Tombstones tombstones;
    private final TimelineConfig config;
    private final HotConfig hotConfig;
    private final OutboxConfig outboxConfig;
    private final TierTransitions transitions;
    private final DegradedReads degraded;
    private final RedisOrCassandra redisOrCassandra;

    public TimelineService(FolloweeCache followees, HiddenAuthorsCache hiddenAuthors, HomeInboxStore inbox, InboxRebuilder rebuilder,
            OutboxReader outboxes,
            ArchiveReader archive, HotCache hotCache, PostHydrator hydrator, Tombstones tombstones, TimelineConfig config, HotConfig hotConfig,
            OutboxConfig outboxConfig, TierTransitions transitions, DegradedReads degraded, RedisOrCassandra redisOrCassandra) {
        this.degraded = degraded;
        this.redisOrCassandra = redisOrCassandra;
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
        this.inbox = inbox;
        this.rebuilder = rebuilder;
        this.outboxes = outboxes;
        this.archive = archive;
        this.hotCache = hotCache;
        this.hydrator = hydrator;
        this.tombstones = tombstones;
        this.config = config;
        this.hotConfig = hotConfig;
        this.outboxConfig = outboxConfig;
        this.transitions = transitions;
    }

    /**
     * Candidates of one round, newest first; {@code exhausted} when nothing older exists anywhere;
     * {@code stamps} the tombstone shards' stamps read with the inbox page (null: none read).
     */
    record Candidates(List<PostRef> refs, boolean exhausted, Tombstones.Stamps stamps) {
        Candidates(List<PostRef> refs, boolean exhausted) {
            this(refs, exhausted, null);
        }

        Candidates withStamps(Tombstones.Stamps s) {
            return new Candidates(refs, exhausted, s);
        }
    }

    /** The inbox's window and the tombstone stamps read in the same round trip. */
    private record InboxPart(Window window, Tombstones.Stamps stamps) {
    }

    /** Items so far with their positions (aligned), where the next round resumes, and whether older posts may exist. */
    private record Page(List<PostView> items, List<PostRef> positions, PostRef resumeAfter, boolean more) {
    }

    public Uni<PostPage> page(long readerId, Cursor cursor, int limit) {
        return visibleFollowees(readerId).chain(f -> fromRedisElseCassandra(readerId, f, cursor, limit).map(page -> {
            if (f.stale()) {
                degraded.relation();
                return page.asDegraded();
            }
            return page;
        }));
    }

    private Uni<PostPage> fromRedisElseCassandra(long readerId, Followees f, Cursor cursor, int limit) {
        return redisOrCassandra.read(() -> fromRedis(readerId, f, cursor, limit), () -> fromCassandra(readerId, f, cursor, limit));
    }

    private Uni<PostPage> fromRedis(long readerId, Followees f, Cursor cursor, int limit) {
        return collect(readerId, f, cursor, limit, new Page(new ArrayList<>(), new ArrayList<>(), null, true), 1)
                .map(TimelineService::toPostPage);
    }

    /**
     * The degraded page: the merged newest posts below the cursor of everyone the page is made of,
     * straight from Cassandra, hydrated from Cassandra; one round (a deleted post makes the page
     * shorter, its cursor still goes on). Run by {@link RedisOrCassandra} behind its bulkhead.
     */
    private Uni<PostPage> fromCassandra(long readerId, Followees f, Cursor cursor, int limit) {
        return archive.newestAcross(f.everyone(readerId), cursor, limit).chain(merged -> {
            List<Long> ids = merged.refs().stream().map(PostRef::postId).toList();
            return hydrator.hydrateDurable(ids).chain(views -> {
                List<PostView> visible = views.stream().filter(f::shows).toList(); // as a Redis page: no repost of a hidden author
                String next = merged.exhausted() || merged.refs().isEmpty()
                        ? null : Cursor.after(merged.refs().get(merged.refs().size() - 1)).toString();
                if (!RepostFalloff.anyRepost(visible)) {
                    return Uni.createFrom().item(new PostPage(visible, next));
                }
                Uni<List<PostView>> below = next == null ? Uni.createFrom().item(List.of())
                        : belowDurable(readerId, f, merged.refs().get(merged.refs().size() - 1), new ArrayList<>(), 1);
                return below.map(b -> {
                    List<PostView> all = new ArrayList<>(visible);
                    all.addAll(b);
                    Set<Long> fallen = RepostFalloff.fallen(all);
                    return new PostPage(visible.stream().filter(v -> !fallen.contains(v.id())).toList(), next);
                });
            });
        });
    }

    /** The reader's followees minus the authors hidden from them (blocks both ways, mutes): both lists cached, fetched together. */
    private Uni<Followees> visibleFollowees(long readerId) {
        return Uni.combine().all().unis(followees.of(readerId), hiddenAuthors.of(readerId)).asTuple()
                .map(t -> t.getItem1().without(t.getItem2()));
    }

    /** One round: candidates after the cursor, hydrated, filtered; more rounds only if posts were dropped. */
    private Uni<Page> collect(long readerId, Followees f, Cursor cursor, int limit, Page acc, int round) {
        int want = limit - acc.items().size() + config.slack();
        return candidates(readerId, f, cursor, want)
                .chain(candidates -> hydrateInto(readerId, acc, candidates, f, limit))
                .chain(page -> {
                    boolean full = page.items().size() >= limit;
                    if (full || !page.more() || round >= MAX_ROUNDS) {
                        return Uni.createFrom().item(page);
                    }
                    return collect(readerId, f, Cursor.after(page.resumeAfter()), limit, page, round + 1);
                });
    }

    /** One round's merged candidates after the cursor, not hydrated (also the 304 check of {@link PageTags}). */
    Uni<Candidates> candidates(long readerId, Followees f, Cursor cursor, int want) {
        return Uni.combine().all()
                .unis(inboxWindow(readerId, f, cursor, want), pulledWindows(f, cursor, want))
                .asTuple()
                .chain(t -> {
                    List<Window> windows = new ArrayList<>(t.getItem2());
                    windows.add(t.getItem1().window());
                    Tombstones.Stamps stamps = t.getItem1().stamps();
                    return mergeAboveFloor(windows, f, readerId, cursor, want).map(c -> c.withStamps(stamps));
                });
    }

    // ---- step 1 and 2: the inbox, rebuilt first if the reader is new or returning ----

    /** The inbox page, with the tombstone stamps in the same round trip (hydration then needs none of its own). */
    private Uni<InboxPart> inboxWindow(long readerId, Followees f, Cursor cursor, int want) {
        return inbox.touchAndRead(readerId, cursor, want, tombstones.stampRequests()).chain(read -> {
            if (read.state() == HomeInboxStore.State.LIVE) {
                return Uni.createFrom().item(new InboxPart(read.window(), tombstones.stamps(read.alongside())));
            }
            return afterRebuild(readerId, f, cursor, want, 3);
        });
    }

    /** Waits for (or does) the rebuild, then reads; a read that still finds it unfinished waits again. */
    private Uni<InboxPart> afterRebuild(long readerId, Followees f, Cursor cursor, int want, int attempts) {
        return rebuilder.ensure(readerId, f)
                .chain(() -> inbox.touchAndRead(readerId, cursor, want, tombstones.stampRequests()))
                .chain(read -> read.state() == HomeInboxStore.State.LIVE || attempts <= 1
                        ? Uni.createFrom().item(new InboxPart(read.window(), tombstones.stamps(read.alongside())))
                        : afterRebuild(readerId, f, cursor, want, attempts - 1));
    }

    // ---- step 3: pull-tier followees (hot-cache, else outbox, else Cassandra) ----

    private Uni<List<Window>> pulledWindows(Followees f, Cursor cursor, int want) {
        List<Window> windows = new ArrayList<>();
        List<Long> fromOutbox = new ArrayList<>();
        for (long author : f.pull()) {
            Window hot = hotWindow(author, cursor, want);
            if (hot != null) {
                windows.add(hot);
            } else {
                fromOutbox.add(author);
            }
        }
        if (transitions.any()) {
            // just left the pull tier: the inbox lacks its pull-period posts until fanout-worker merged them
            for (long author : f.push()) {
                if (transitions.stillPulled(author)) {
                    fromOutbox.add(author);
                }
            }
        }
        return outboxes.windows(fromOutbox, cursor, want).map(byAuthor -> {
            windows.addAll(byAuthor.values());
            return windows;
        });
    }

    /** The author's resident refs after the cursor, or null if the cache cannot answer this page alone. */
    private Window hotWindow(long author, Cursor cursor, int want) {
        if (!hotConfig.enabled()) {
            return null;
        }
        if (!hotCache.isResident(author)) {
            hotCache.pin(author); // pull tier: resident from now on; this page still reads the outbox
        }
        AuthorEntry entry = hotCache.get(author).orElse(null);
        if (entry == null) {
            return null;
        }
        List<PostRef> after = new ArrayList<>();
        for (PostRef ref : entry.refs()) {
            if (cursor == null || cursor.isBefore(ref)) {
                after.add(ref);
            }
        }
        // Loaded from the outbox with limit K: as many refs as K, or as the outbox cap, means older ones exist.
        boolean mayBeTruncated = entry.refs().size() >= Math.min(hotConfig.maxRefsPerAuthor(), outboxConfig.maxEntries());
        if (mayBeTruncated && after.size() < want) {
            return null; // the page reaches below the resident K: the outbox holds more
        }
        List<PostRef> page = after.size() > want ? after.subList(0, want) : after;
        return new Window(List.copyOf(page), mayBeTruncated ? Window.at(entry.refs().get(entry.refs().size() - 1)) : null);
    }

    // ---- step 4: merge newest first above the newest floor, Cassandra below it ----

    private Uni<Candidates> mergeAboveFloor(List<Window> windows, Followees f, long readerId, Cursor cursor, int want) {
        Cursor floor = null;
        for (Window w : windows) {
            floor = Window.newer(floor, w.floor());
        }
        List<PostRef> all = new ArrayList<>();
        for (Window w : windows) {
            for (PostRef ref : w.refs()) {
                if (floor == null || !floor.isBefore(ref)) {
                    all.add(ref);
                }
            }
        }
        List<PostRef> merged = PostRef.newestDistinct(all, want);
        if (merged.size() >= want) {
            return Uni.createFrom().item(new Candidates(merged, false));
        }
        if (floor == null) {
            return Uni.createFrom().item(new Candidates(merged, true));
        }
        Cursor below = cursor != null && floor.isBefore(new PostRef(cursor.postId(), cursor.createdAtMillis())) ? cursor : floor;
        int need = want - merged.size();
        return archive.newestAcross(f.everyone(readerId), below, need).map(older -> {
            List<PostRef> page = new ArrayList<>(merged);
            page.addAll(older.refs());
            return new Candidates(page, older.exhausted());
        });
    }

    // ---- step 5: hydrate, drop tombstones, unfollowed and hidden authors, reposts that fall off ----

    private Uni<Page> hydrateInto(long readerId, Page acc, Candidates candidates, Followees f, int limit) {
        if (candidates.refs().isEmpty()) {
            return Uni.createFrom().item(new Page(acc.items(), acc.positions(), acc.resumeAfter(), false));
        }
        Map<Long, PostRef> byId = new HashMap<>();
        List<Long> ids = new ArrayList<>(candidates.refs().size());
        for (PostRef ref : candidates.refs()) {
            byId.put(ref.postId(), ref);
            ids.add(ref.postId());
        }
        return hydrator.hydrate(ids, candidates.stamps()).chain(views -> withBelow(readerId, f, candidates, views)).map(falloff -> {
            List<PostView> views = falloff.views();
            List<PostView> items = new ArrayList<>(acc.items());
            List<PostRef> positions = new ArrayList<>(acc.positions());
            int used = 0;
            for (PostView view : views) {
                if (items.size() >= limit) {
                    break;
                }
                used++;
                if (f.shows(view) && !falloff.fallen().contains(view.id())) {
                    items.add(view);
                    positions.add(byId.get(view.id()));
                }
            }
            boolean more = used < views.size() || !candidates.exhausted();
            // The next round resumes after the last candidate looked at, even if it was dropped.
            PostRef resumeAfter = candidates.refs().get(candidates.refs().size() - 1);
            return new Page(items, positions, resumeAfter, more);
        });
    }

    /** A round's hydrated views and the reposts among them that fall off. */
    private record Falloff(List<PostView> views, Set<Long> fallen) {
    }

    /**
     * The falloff rule needs the {@value RepostFalloff#FALLOFF} items below each repost: only when
     * the round holds a repost are they read (one more candidates round and one more batched
     * hydration, more only while deleted or hidden posts leave fewer than that), so a page without
     * reposts costs nothing extra.
     */
    private Uni<Falloff> withBelow(long readerId, Followees f, Candidates candidates, List<PostView> views) {
        List<PostView> visible = views.stream().filter(f::shows).toList();
        if (!RepostFalloff.anyRepost(visible)) {
            return Uni.createFrom().item(new Falloff(views, Set.of()));
        }
        if (candidates.exhausted()) {
            return Uni.createFrom().item(new Falloff(views, RepostFalloff.fallen(visible)));
        }
        PostRef last = candidates.refs().get(candidates.refs().size() - 1);
        return below(readerId, f, last, new ArrayList<>(), 1).map(below -> {
            List<PostView> all = new ArrayList<>(visible);
            all.addAll(below);
            return new Falloff(views, RepostFalloff.fallen(all));
        });
    }

    /**
     * At least {@value RepostFalloff#FALLOFF} items of the timeline below {@code after} where they
     * exist: deleted posts and hidden authors are not items of the timeline, so they do not count.
     */
    Uni<List<PostView>> below(long readerId, Followees f, PostRef after) {
        return below(readerId, f, after, new ArrayList<>(), 1);
    }

    /** {@link #below} from Cassandra alone (the degraded read: no Redis), hydrated from Cassandra. */
    Uni<List<PostView>> belowDurable(long readerId, Followees f, PostRef after) {
        return belowDurable(readerId, f, after, new ArrayList<>(), 1);
    }

    private Uni<List<PostView>> belowDurable(long readerId, Followees f, PostRef after, List<PostView> acc, int round) {
        return archive.newestAcross(f.everyone(readerId), Cursor.after(after), RepostFalloff.FALLOFF).chain(below -> {
            if (below.refs().isEmpty()) {
                return Uni.createFrom().item(acc);
            }
            return hydrator.hydrateDurable(below.refs().stream().map(PostRef::postId).toList()).chain(belowViews -> {
                belowViews.stream().filter(f::shows).forEach(acc::add);
                if (acc.size() >= RepostFalloff.FALLOFF || below.exhausted() || round >= MAX_ROUNDS) {
                    return Uni.createFrom().item(acc);
                }
                return belowDurable(readerId, f, below.refs().get(below.refs().size() - 1), acc, round + 1);
            });
        });
    }

    private Uni<List<PostView>> below(long readerId, Followees f, PostRef after, List<PostView> acc, int round) {
        return candidates(readerId, f, Cursor.after(after), RepostFalloff.FALLOFF).chain(below -> {
            if (below.refs().isEmpty()) {
                return Uni.createFrom().item(acc);
            }
            return hydrator.hydrate(below.refs().stream().map(PostRef::postId).toList(), below.stamps()).chain(belowViews -> {
                belowViews.stream().filter(f::shows).forEach(acc::add);
                if (acc.size() >= RepostFalloff.FALLOFF || below.exhausted() || round >= MAX_ROUNDS) {
                    return Uni.createFrom().item(acc);
                }
                return below(readerId, f, below.refs().get(below.refs().size() - 1), acc, round + 1);
            });
        });
    }

    private static PostPage toPostPage(Page page) {
        List<PostView> items = page.items();
        if (!page.more()) {
            return new PostPage(items, null);
        }
        // Every candidate of the last rounds was dropped: hand out where to go on rather than end the timeline.
        PostRef last = items.isEmpty() ? page.resumeAfter() : page.positions().get(items.size() - 1);
        return new PostPage(items, Cursor.after(last).toString());
    }
}
