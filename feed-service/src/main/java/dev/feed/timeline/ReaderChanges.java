package dev.feed.timeline;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * Tells whoever holds a reader's authors beyond a single request (the live stream) that the
 * cached lists changed: the reader followed, unfollowed, blocked, muted, was blocked (one reader),
 * or everything may have (a tier change, relation events unavailable).
 */
@ApplicationScoped
public class ReaderChanges {
    /** Stands for "every reader" in {@link #listen}. */
    public static final long EVERY_READER = -1L;

    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    /** The listener receives a reader id, or {@link #EVERY_READER}. */
    public void listen(LongConsumer listener) {
        listeners.add(listener);
    }

    void changed(long readerId) {
        listeners.forEach(l -> l.accept(readerId));
    }

    void changedAll() {
        listeners.forEach(l -> l.accept(EVERY_READER));
    }
}
