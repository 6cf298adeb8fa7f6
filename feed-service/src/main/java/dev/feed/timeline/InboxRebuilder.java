package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Rebuilds a returning reader's inbox by pull from their push-tier followees' outboxes (Cassandra
 * where an outbox is cold), once per reader across instances: the first reader takes the lock
 * {@code rebuild:{userId}}, the others wait for it to go and then read the finished inbox, so the
 * first page is complete and nobody rebuilds twice.
 */
@ApplicationScoped
public class InboxRebuilder {
    private static final Logger LOG = Logger.getLogger(InboxRebuilder.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int BATCHES_IN_FLIGHT = 4;

    private final HomeInboxStore inbox;
    private final OutboxReader outboxes;
    private final InboxConfig inboxConfig;
    private final TimelineConfig config;
    private final Timer rebuildTimer;

    public InboxRebuilder(HomeInboxStore inbox, OutboxReader outboxes, InboxConfig inboxConfig, TimelineConfig config,
            MeterRegistry registry) {
        this.inbox = inbox;
        this.outboxes = outboxes;
        this.inboxConfig = inboxConfig;
        this.config = config;
        this.rebuildTimer = Timer.builder("feed.timeline.inbox.rebuild").description("Inbox rebuilds by pull")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Completes once the reader's inbox is rebuilt, by this call or by whoever held the lock. */
    Uni<Void> ensure(long userId, Followees followees) {
        String token = UUID.randomUUID().toString();
        return inbox.tryLock(userId, token, config.rebuildLockTtl().toMillis())
                .chain(owned -> owned
                        ? rebuildUnlessBuilt(userId, followees, token)
                        : awaitOther(userId, followees, System.nanoTime() + config.rebuildWait().toNanos()));
    }

    // A reader that saw the inbox missing may take the lock just after another reader finished the
    // rebuild and released it: check again under the lock, or the inbox is rebuilt twice.
    private Uni<Void> rebuildUnlessBuilt(long userId, Followees followees, String token) {
        return inbox.isBuilt(userId).chain(built -> built
                ? inbox.unlock(userId, token)
                : rebuildHoldingLock(userId, followees, token));
    }

    private Uni<Void> rebuildHoldingLock(long userId, Followees followees, String token) {
        long start = System.nanoTime();
        return inbox.open(userId)
                .chain(() -> loadBounded(pushedTo(userId, followees)))
                .map(this::mergeForInbox)
                .chain(rebuilt -> inbox.fill(userId, rebuilt.refs(), rebuilt.floor()))
                .onTermination().call(() -> inbox.unlock(userId, token))
                .invoke(() -> rebuildTimer.record(Duration.ofNanos(System.nanoTime() - start)));
    }

    /** The loaded windows, and whether some followee was not read to its end (or floor). */
    private record Loaded(Map<Long, Window> windows, boolean truncated) {
    }

    /**
     * The push-tier followees' windows, loading only what can rank in the rebuilt inbox: first the
     * newest {@link TimelineConfig#rebuildFirstLoad()} of each, then, round by round with twice the
     * count, only the followees whose loaded refs all rank above the cut (the cap-th newest ref
     * loaded so far): an older ref of theirs might still rank. Others' unread refs rank below the
     * cut, so the merged top stays exact. At most cap / count followees qualify per round, so a
     * rebuild reads about followees x first-load + 2 x cap x rounds refs instead of followees x cap.
     * The same holds for cold followees (Redis lost their outboxes): Cassandra is asked for the
     * round's count only ({@link OutboxReader#rebuildWindows}), not for each one's outbox cap.
     */
    private Uni<Loaded> loadBounded(List<Long> authors) {
        int cap = inboxConfig.maxEntries();
        int first = Math.min(cap, Math.max(1, config.rebuildFirstLoad()));
        return loadInBatches(authors, first).chain(windows -> deepen(windows, first, cap, anyFull(windows, first)));
    }

    /** {@code truncated}: some window of an earlier round came back as long as asked (it may hold more). */
    private Uni<Loaded> deepen(Map<Long, Window> windows, int loaded, int cap, boolean truncated) {
        List<PostRef> all = new ArrayList<>();
        windows.values().forEach(w -> all.addAll(w.refs()));
        List<PostRef> top = PostRef.newestDistinct(all, cap);
        PostRef cut = top.size() < cap ? null : top.get(cap - 1);
        List<Long> further = new ArrayList<>();
        windows.forEach((author, w) -> {
            List<PostRef> refs = w.refs();
            if (refs.size() >= loaded && (cut == null || refs.get(refs.size() - 1).compareTo(cut) < 0)) {
                further.add(author);
            }
        });
        if (further.isEmpty() || loaded >= cap) {
            return Uni.createFrom().item(new Loaded(windows, truncated));
        }
        int next = Math.min(cap, loaded * 2);
        return loadInBatches(further, next).chain(more -> {
            Map<Long, Window> merged = new HashMap<>(windows);
            merged.putAll(more);
            return deepen(merged, next, cap, truncated || anyFull(more, next));
        });
    }

    private static boolean anyFull(Map<Long, Window> windows, int loaded) {
        return windows.values().stream().anyMatch(w -> w.refs().size() >= loaded);
    }

    /** One pipelined Redis round trip per {@link TimelineConfig#rebuildBatch()} followees, a few batches in flight. */
    private Uni<Map<Long, Window>> loadInBatches(List<Long> authors, int count) {
        int size = Math.max(1, config.rebuildBatch());
        List<List<Long>> batches = new ArrayList<>();
        for (int i = 0; i < authors.size(); i += size) {
            batches.add(List.copyOf(authors.subList(i, Math.min(authors.size(), i + size))));
        }
        return Multi.createFrom().iterable(batches)
                .onItem().transformToUni(batch -> outboxes.rebuildWindows(batch, count))
                .merge(BATCHES_IN_FLIGHT)
                .collect().in(HashMap<Long, Window>::new, Map::putAll);
    }

    /** Whose posts an inbox holds: the push-tier followees' and the reader's own (delivered to self on publish). */
    private static List<Long> pushedTo(long userId, Followees followees) {
        List<Long> authors = new ArrayList<>(followees.push().size() + 1);
        authors.addAll(followees.push());
        authors.add(userId);
        return authors;
    }

    private Uni<Void> awaitOther(long userId, Followees followees, long deadlineNanos) {
        return inbox.isLocked(userId).chain(locked -> {
            if (!locked) {
                return Uni.createFrom().voidItem();
            }
            if (System.nanoTime() > deadlineNanos) {
                // The holder is stuck or slow; a rebuild is a union of the same refs, so doing it again is safe.
                LOG.warnf("inbox rebuild of %d still locked after %s; rebuilding here", userId, config.rebuildWait());
                return rebuildHoldingLock(userId, followees, "stolen-" + UUID.randomUUID());
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                    .chain(() -> awaitOther(userId, followees, deadlineNanos));
        });
    }

    /**
     * Newest first, at most the inbox cap. The floor is the newest point below which some source
     * may be missing posts: a full outbox (trimmed) or the cap cut itself.
     */
    private Window mergeForInbox(Loaded loaded) {
        List<PostRef> all = new ArrayList<>();
        Cursor floor = null;
        for (Window w : loaded.windows().values()) {
            all.addAll(w.refs());
            floor = Window.newer(floor, w.floor());
        }
        List<PostRef> refs = PostRef.newestDistinct(all, inboxConfig.maxEntries());
        if ((all.size() > refs.size() || loaded.truncated()) && refs.size() == inboxConfig.maxEntries()) {
            floor = Window.newer(floor, Window.at(refs.get(refs.size() - 1)));
        }
        return new Window(refs, floor);
    }
}
