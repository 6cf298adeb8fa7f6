package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
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
                .chain(() -> outboxes.windows(pushedTo(userId, followees), null, inboxConfig.maxEntries()))
                .map(this::mergeForInbox)
                .chain(rebuilt -> inbox.fill(userId, rebuilt.refs(), rebuilt.floor()))
                .onTermination().call(() -> inbox.unlock(userId, token))
                .invoke(() -> rebuildTimer.record(Duration.ofNanos(System.nanoTime() - start)));
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
    private Window mergeForInbox(Map<Long, Window> windows) {
        List<PostRef> all = new ArrayList<>();
        Cursor floor = null;
        for (Window w : windows.values()) {
            all.addAll(w.refs());
            floor = Window.newer(floor, w.floor());
        }
        List<PostRef> refs = PostRef.newestDistinct(all, inboxConfig.maxEntries());
        if (all.size() > refs.size() && refs.size() == inboxConfig.maxEntries()) {
            floor = Window.newer(floor, Window.at(refs.get(refs.size() - 1)));
        }
        return new Window(refs, floor);
    }
}
