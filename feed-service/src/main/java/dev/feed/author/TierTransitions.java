package dev.feed.author;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Authors that just left the pull tier, whose posts of the pull period are not in their followers'
 * inboxes yet: reads keep pulling them (from the outbox) besides reading the inbox, until
 * fanout-worker says its merge into the live inboxes is done (the hot-cache "tier" broadcast it
 * sends after the merge), or {@link TierChangeConfig#pullFor} at most. Per instance, in memory:
 * started by the {@code author.tier-changed} event that also switches this instance's followee lists.
 *
 * <p>The two signals travel on different topics; a "merge done" that arrives first is remembered
 * for as long, so the late start does not pull for nothing.
 */
@ApplicationScoped
public class TierTransitions {
    private final Map<Long, Long> pullingUntil = new ConcurrentHashMap<>();
    private final Map<Long, Long> mergedUntil = new ConcurrentHashMap<>();
    private final long pullForNanos;
    private final LongSupplier nanoTime;

    @Inject
    public TierTransitions(TierChangeConfig config) {
        this(config.pullFor().toNanos(), System::nanoTime);
    }

    TierTransitions(long pullForNanos, LongSupplier nanoTime) {
        this.pullForNanos = pullForNanos;
        this.nanoTime = nanoTime;
    }

    /** The author moved from the pull tier to the push tier. */
    public void leftPullTier(long authorId) {
        long now = nanoTime.getAsLong();
        Long merged = mergedUntil.remove(authorId);
        if (merged == null || merged - now < 0) {
            pullingUntil.put(authorId, now + pullForNanos);
        }
    }

    /** fanout-worker finished moving the author's posts into live inboxes. */
    public void merged(long authorId) {
        if (pullingUntil.remove(authorId) == null) {
            mergedUntil.put(authorId, nanoTime.getAsLong() + pullForNanos);
        }
    }

    /** True while any author is in transition (almost never): reads skip the per-followee check otherwise. */
    public boolean any() {
        if (pullingUntil.isEmpty()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        pullingUntil.values().removeIf(until -> until - now < 0);
        mergedUntil.values().removeIf(until -> until - now < 0);
        return !pullingUntil.isEmpty();
    }

    /** True if reads must still pull this push-tier author. */
    public boolean stillPulled(long authorId) {
        Long until = pullingUntil.get(authorId);
        return until != null && until - nanoTime.getAsLong() >= 0;
    }
}
