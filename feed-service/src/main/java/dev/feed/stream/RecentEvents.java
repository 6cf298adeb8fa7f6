package dev.feed.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The post events of the last {@code feed.stream.recent-window} on this instance (at most
 * {@code recent-max}), oldest first. A stream opening with a position takes the ones newer than
 * it: a push-tier post whose event came before the stream opened, but whose fanout had not yet
 * reached the inbox the replay reads, is delivered from here instead of being lost in between.
 */
final class RecentEvents {
    private final ArrayDeque<StreamEvent> events = new ArrayDeque<>();
    private final long windowNanos;
    private final int max;

    RecentEvents(long windowNanos, int max) {
        this.windowNanos = windowNanos;
        this.max = max;
    }

    synchronized void add(StreamEvent event) {
        events.addLast(event);
        while (events.size() > max || (!events.isEmpty() && event.seenAtNanos() - events.peekFirst().seenAtNanos() > windowNanos)) {
            events.removeFirst();
        }
    }

    synchronized List<StreamEvent> matching(Predicate<StreamEvent> wanted) {
        List<StreamEvent> out = new ArrayList<>();
        for (StreamEvent e : events) {
            if (wanted.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    synchronized int size() {
        return events.size();
    }
}
