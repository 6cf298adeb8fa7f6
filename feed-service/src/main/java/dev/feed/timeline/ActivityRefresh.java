package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * Decides which reads refresh a reader's activity (the inbox TTL fanout goes by). A TTL of days
 * does not need two Redis writes on every page: a reader is refreshed at most once per interval
 * per instance. Forgetting a reader (eviction, another instance) only costs one refresh more.
 */
final class ActivityRefresh {
    /** Readers remembered per instance; beyond it the least recent are refreshed again on their next read. */
    static final int MEMORY = 200_000;

    private final Cache<Long, Boolean> refreshed;
    private final boolean everyRead;

    ActivityRefresh(Duration interval, Ticker ticker) {
        this.everyRead = interval.isZero() || interval.isNegative();
        this.refreshed = Caffeine.newBuilder()
                .maximumSize(MEMORY)
                .expireAfterWrite(everyRead ? Duration.ofNanos(1) : interval)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /** True if this read should refresh the reader's TTL; from then on, not again until the interval has passed. */
    boolean due(long readerId) {
        if (everyRead) {
            return true;
        }
        return refreshed.asMap().putIfAbsent(readerId, Boolean.TRUE) == null;
    }

    /** The inbox is gone (expired or deleted): the rebuild sets a fresh TTL, and the next read refreshes again. */
    void forget(long readerId) {
        refreshed.invalidate(readerId);
    }
}
