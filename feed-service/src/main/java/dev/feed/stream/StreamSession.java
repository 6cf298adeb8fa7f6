package dev.feed.stream;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open stream. It starts replaying: live items are queued meanwhile, then sent after the
 * replay minus what it already sent (de-duplicated by post id), so there is no gap and no repeat
 * at the switch. The last {@value #REMEMBERED} post ids sent (deletes as negative ids) are kept in
 * a small array, not a set: enough to drop a post that arrives twice (replay and live, a Kafka
 * redelivery) or a post whose delete overtook it, at a few hundred bytes per stream.
 */
final class StreamSession {
    static final int REMEMBERED = 64;
    /**
     * Event timestamps come from the publishing instance's clock, {@link #openedAtMillis} from this
     * one's: within this much an event counts as sent after the opening (a repeat, never a loss).
     */
    static final long CLOCK_SKEW_MILLIS = 5_000;

    final long readerId;
    final StreamLeases.Lease lease;
    /** Posts at or below this position are the client's already (its Last-Event-ID); null: live only. */
    private final Cursor since;
    private final MultiEmitter<? super StreamItem> emitter;
    private final long[] remembered = new long[REMEMBERED];
    private int next;
    /** Null once live. */
    private List<StreamItem> queued = new ArrayList<>();
    volatile Set<Long> authors = Set.of();
    volatile boolean stale;
    volatile long lastEventNanos;
    private volatile boolean closed;
    private final AtomicBoolean ended = new AtomicBoolean();

    private final int maxQueued;
    private final long openedAtMillis = System.currentTimeMillis();

    StreamSession(StreamLeases.Lease lease, Cursor since, MultiEmitter<? super StreamItem> emitter, long nowNanos, int maxQueued) {
        this.lease = lease;
        this.readerId = lease.userId();
        this.maxQueued = maxQueued;
        this.since = since;
        this.emitter = emitter;
        this.lastEventNanos = nowNanos;
    }

    /**
     * A live item: queued while replaying, sent otherwise. A post at or below the client's position
     * is dropped only if its event was sent before this stream opened (the consumer re-reading the
     * recent window after a restart: the client has those, or got them from the catch-up); one sent
     * since then joined the timeline late (relayed) while the client is here, and goes out.
     */
    synchronized void deliver(StreamItem item, long nowNanos) {
        if (closed || (item.isPost() && since != null && !since.isAfter(positionOf(item))
                && item.producedAtMillis() < openedAtMillis - CLOCK_SKEW_MILLIS)) {
            return;
        }
        if (queued != null) {
            if (queued.size() >= maxQueued) {
                // a replay far behind a busy live side: end it; the client resumes from its last id
                closed = true;
                emitter.fail(new IllegalStateException("stream fell behind during its replay"));
                return;
            }
            queued.add(item);
        } else {
            send(item, nowNanos);
        }
    }

    /** An item of the replay, sent at once. */
    synchronized void replay(StreamItem item, long nowNanos) {
        if (!closed) {
            send(item, nowNanos);
        }
    }

    /**
     * A repost the replay left out (the falloff rule): remembered as sent, so its event, queued from
     * the recent ones or arriving live, does not bring it back.
     */
    synchronized void skip(long postId) {
        remember(postId);
    }

    /** The replay is done: what arrived live meanwhile goes out, then everything as it comes. */
    synchronized void goLive(long nowNanos) {
        List<StreamItem> pending = queued;
        queued = null;
        if (pending != null && !closed) {
            pending.forEach(i -> send(i, nowNanos));
        }
    }

    synchronized void heartbeat() {
        if (!closed) {
            emitter.emit(StreamItem.HEARTBEAT);
        }
    }

    synchronized void complete() {
        if (!closed) {
            closed = true;
            emitter.complete();
        }
    }

    void fail(Throwable t) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        emitter.fail(t);
    }

    /** True the first time only: the hub releases a stream's reservation once. */
    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    boolean ended() {
        return ended.get();
    }

    boolean closed() {
        return closed || emitter.isCancelled();
    }

    private void send(StreamItem item, long nowNanos) {
        if (item.isPost()) {
            if (seen(item.postId()) || seen(-item.postId())) {
                return; // sent already, or deleted already
            }
            remember(item.postId());
        } else if (item.isDelete()) {
            remember(-item.postId());
        }
        lastEventNanos = nowNanos;
        emitter.emit(item);
    }

    private boolean seen(long id) {
        for (long r : remembered) {
            if (r == id) {
                return true;
            }
        }
        return false;
    }

    private void remember(long id) {
        remembered[next] = id;
        next = (next + 1) % REMEMBERED;
    }

    private static PostRef positionOf(StreamItem item) {
        Cursor c = Cursor.parseSince(item.id());
        return new PostRef(c.postId(), c.createdAtMillis());
    }
}
