package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.Post;
import dev.feed.post.PostHydrator;
import dev.feed.post.PostPage;
import dev.feed.post.PostView;
import dev.feed.post.PostsAfter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code GET /v1/timeline?since=C}: the home timeline read upward, the items closest above a
 * position, through the same merge as {@link TimelineService} from the other end: the inbox
 * (push-tier followees and the reader's own posts), the pull-tier followees' outboxes, then the
 * page cut at the oldest end so repeating with {@code since=<prevCursor>} misses nothing.
 *
 * <p>Each source returns its entries closest above C; merging them and keeping the oldest N is
 * exact as long as every source vouches for the whole range above C (its floor is not newer than
 * C). If one does not (an inbox trimmed past C, a cold outbox), the page is read upward from
 * Cassandra for every author of the timeline instead. Pull-tier authors are read from their
 * outboxes, not the hot-cache: the cache is rebuilt asynchronously after a publish, and a refresh
 * that missed a post the outbox already holds would hand out a position above it.
 *
 * <p>With Redis unreachable ({@link RedisOrCassandra}: a failed call or its breaker open) the page is
 * read upward from Cassandra alone, hydrated from Cassandra, and marked {@code "degraded": true}.
 *
 * <p>The falloff rule ({@link RepostFalloff}) holds here as on a page: a repost whose original, or
 * another repost of it, is among the 40 items just below it is left out, and the read goes on
 * above it as for a deleted post, so a page is not cut short by it.
 * The stream's replay ({@link #oldestFirst}) falls back the same way; its events have no degraded
 * flag, so only {@code feed.degraded.reads{reason=redis}} tells.
 */
@ApplicationScoped
public class SinceTimeline {
    /** Rounds of "fetch more" when hydration dropped deleted or unfollowed posts. */
    private static final int MAX_ROUNDS = 16;

    private final FolloweeCache followees;
    private final HiddenAuthorsCache hiddenAuthors;
    private final HomeInboxStore inbox;
    private final InboxRebuilder rebuilder;
    private final OutboxReader outboxes;
    private final PostsAfter archive;
    private final PostHydrator hydrator;
    private final TimelineConfig config;
    private final RedisOrCassandra redisOrCassandra;
    private final TimelineService timeline;

    public SinceTimeline(FolloweeCache followees, HiddenAuthorsCache hiddenAuthors, HomeInboxStore inbox, InboxRebuilder rebuilder,
            OutboxReader outboxes, PostsAfter archive, PostHydrator hydrator, TimelineConfig config, RedisOrCassandra redisOrCassandra,
            TimelineService timeline) {
        this.redisOrCassandra = redisOrCassandra;
        this.timeline = timeline;
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
        this.inbox = inbox;
        this.rebuilder = rebuilder;
        this.outboxes = outboxes;
        this.archive = archive;
        this.hydrator = hydrator;
        this.config = config;
    }

    /** Candidates of one round, oldest first; {@code exhausted} when nothing newer exists anywhere. */
    private record Candidates(List<PostRef> oldestFirst, boolean exhausted) {
    }

    /** The {@code limit} items closest above {@code since}, newest first. */
    public Uni<PostPage> page(long readerId, Cursor since, int limit) {
        return visibleFollowees(readerId).chain(f -> redisOrCassandra.read(
                () -> collect(readerId, f, since, limit, new Upward(since), 1, false).map(up -> toPostPage(up.shown)),
                () -> collect(readerId, f, since, limit, new Upward(since), 1, true).map(up -> toPostPage(up.shown))));
    }

    /**
     * Items of the timeline strictly newer than {@code since}, oldest first, at most {@code limit}
     * (the stream's replay), and the reposts among them that fell off (the replay makes sure the
     * live side does not send those either).
     */
    public Uni<Above> oldestFirst(long readerId, Cursor since, int limit) {
        return visibleFollowees(readerId).chain(f -> redisOrCassandra.read(
                () -> collect(readerId, f, since, limit, new Upward(since), 1, false),
                () -> collect(readerId, f, since, limit, new Upward(since), 1, true),
                UnaryOperator.identity()))
                .map(up -> new Above(up.shown, up.fallen));
    }

    /**
     * As {@link #oldestFirst(long, Cursor, int)} the one way only, unguarded ({@code durable}: from
     * Cassandra alone): for a caller whose own guarded read already decided ({@link UnreadCounter}).
     */
    Uni<Above> oldestFirst(long readerId, Cursor since, int limit, boolean durable) {
        return visibleFollowees(readerId).chain(f -> collect(readerId, f, since, limit, new Upward(since), 1, durable))
                .map(up -> new Above(up.shown, up.fallen));
    }

    /** An upward read's items, oldest first, and the ids of the reposts left out by the falloff rule. */
    public record Above(List<PostView> items, List<Long> fallen) {
    }

    /**
     * What an upward read holds so far. {@code visible}: every item of the timeline above since read
     * so far, oldest first, fallen reposts too (they are items below the next ones); {@code below}:
     * the {@value RepostFalloff#FALLOFF} items at and below since, oldest first, read once, when the
     * first repost shows up (null until then: a read without reposts costs nothing extra).
     */
    private static final class Upward {
        final Cursor since;
        final List<PostView> shown = new ArrayList<>();
        final List<PostView> visible = new ArrayList<>();
        final List<Long> fallen = new ArrayList<>();
        List<PostView> below;

        Upward(Cursor since) {
            this.since = since;
        }
    }

    /** As a page read: the followees minus the authors hidden from the reader (blocks both ways, mutes), both lists cached. */
    private Uni<Followees> visibleFollowees(long readerId) {
        return Uni.combine().all().unis(followees.of(readerId), hiddenAuthors.of(readerId)).asTuple()
                .map(t -> t.getItem1().without(t.getItem2()));
    }

    /** Rounds of candidates, hydrated and filtered; {@code durable}: from Cassandra alone (the degraded read, no Redis). */
    private Uni<Upward> collect(long readerId, Followees f, Cursor since, int limit, Upward up, int round, boolean durable) {
        int want = limit - up.shown.size() + config.slack();
        Uni<Candidates> candidates = durable ? fromArchive(f.everyone(readerId), since, want) : candidates(readerId, f, since, want);
        return candidates.chain(c -> {
            if (c.oldestFirst().isEmpty()) {
                return Uni.createFrom().item(up);
            }
            List<Long> ids = c.oldestFirst().stream().map(PostRef::postId).toList();
            return (durable ? hydrator.hydrateDurable(ids) : hydrator.hydrate(ids))
                    .call(views -> belowIfNeeded(readerId, f, up, views, durable))
                    .chain(views -> {
                        for (PostView view : views) {
                            if (up.shown.size() >= limit) {
                                break;
                            }
                            if (!f.shows(view)) {
                                continue;
                            }
                            boolean fallsOff = view.isRepost() && RepostFalloff.fallsOff(view, up.below, up.visible);
                            up.visible.add(view);
                            if (fallsOff) {
                                up.fallen.add(view.id());
                            } else {
                                up.shown.add(view);
                            }
                        }
                        if (up.shown.size() >= limit || c.exhausted() || round >= MAX_ROUNDS) {
                            return Uni.createFrom().item(up);
                        }
                        // Dropped posts left the page short: go on above the newest candidate looked at.
                        return collect(readerId, f, Cursor.after(c.oldestFirst().get(c.oldestFirst().size() - 1)), limit, up, round + 1,
                                durable);
                    });
        });
    }

    /**
     * The falloff rule needs the items just below a repost, which for the first ones above since are
     * the timeline at and below since: read once (one batched candidates read and one batched
     * hydration per round, as a page's), when this round holds the read's first repost.
     */
    private Uni<Void> belowIfNeeded(long readerId, Followees f, Upward up, List<PostView> views, boolean durable) {
        if (up.below != null || views.stream().filter(f::shows).noneMatch(PostView::isRepost)) {
            return Uni.createFrom().voidItem();
        }
        // strictly older than (since.createdAt, since.id + 1): the item at since and everything below it
        PostRef justAbove = new PostRef(up.since.postId() + 1, up.since.createdAtMillis());
        return (durable ? timeline.belowDurable(readerId, f, justAbove) : timeline.below(readerId, f, justAbove))
                .invoke(newestFirst -> {
                    List<PostView> oldestFirst = new ArrayList<>(newestFirst);
                    Collections.reverse(oldestFirst);
                    up.below = oldestFirst;
                })
                .replaceWithVoid();
    }

    private Uni<Candidates> candidates(long readerId, Followees f, Cursor since, int want) {
        return Uni.combine().all()
                .unis(inboxWindow(readerId, f, since, want), outboxes.windowsSince(f.pull(), since, want))
                .asTuple()
                .chain(t -> {
                    List<Window> windows = new ArrayList<>(t.getItem2().values());
                    windows.add(t.getItem1());
                    if (!vouchAbove(windows, since)) {
                        return fromArchive(f.everyone(readerId), since, want);
                    }
                    List<PostRef> all = new ArrayList<>();
                    windows.forEach(w -> all.addAll(w.refs()));
                    return Uni.createFrom().item(oldest(all, want));
                });
    }

    private Uni<Window> inboxWindow(long readerId, Followees f, Cursor since, int want) {
        return inbox.touchAndReadSince(readerId, since, want).chain(read -> {
            if (read.state() == HomeInboxStore.State.LIVE) {
                return Uni.createFrom().item(read.window());
            }
            // New or returning reader: the same single-flight rebuild a page read makes, then read again.
            return rebuilder.ensure(readerId, f)
                    .chain(() -> inbox.touchAndReadSince(readerId, since, want))
                    .map(again -> again.state() == HomeInboxStore.State.LIVE ? again.window() : null);
        });
    }

    /** True if every window is known and complete down to {@code since} (null window: cold or unfinished). */
    private static boolean vouchAbove(List<Window> windows, Cursor since) {
        PostRef at = new PostRef(since.postId(), since.createdAtMillis());
        for (Window w : windows) {
            if (w == null || (w.floor() != null && w.floor().isBefore(at))) {
                return false;
            }
        }
        return true;
    }

    /** Every author's posts closest above {@code since} from Cassandra, a bounded number of reads in flight. */
    private Uni<Candidates> fromArchive(List<Long> authors, Cursor since, int want) {
        return Multi.createFrom().iterable(authors)
                .onItem().transformToUni(author -> archive.posts(author, since, want))
                .merge(config.archiveConcurrency())
                .collect().in(ArrayList<PostRef>::new, (acc, posts) -> {
                    for (Post p : posts) {
                        acc.add(new PostRef(p.id(), p.createdAtMillis()));
                    }
                })
                .map(all -> oldest(all, want));
    }

    /** The {@code want} distinct refs closest above the position, oldest first. */
    private static Candidates oldest(List<PostRef> refs, int want) {
        Set<Long> seen = new HashSet<>();
        List<PostRef> distinct = new ArrayList<>(refs.size());
        for (PostRef ref : refs) {
            if (seen.add(ref.postId())) {
                distinct.add(ref);
            }
        }
        distinct.sort(Collections.reverseOrder()); // natural order is newest first
        boolean exhausted = distinct.size() < want; // exactly want: a source may hold more
        return new Candidates(exhausted ? distinct : new ArrayList<>(distinct.subList(0, want)), exhausted);
    }

    private static PostPage toPostPage(List<PostView> oldestFirst) {
        List<PostView> items = new ArrayList<>(oldestFirst);
        Collections.reverse(items);
        String next = items.isEmpty() ? null : Cursor.of(items.get(items.size() - 1)).toString();
        return new PostPage(items, next);
    }
}
