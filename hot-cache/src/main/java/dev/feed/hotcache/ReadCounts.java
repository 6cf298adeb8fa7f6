package dev.feed.hotcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads per author, for promotion to the FREQUENT tier. The counters live in a size-bounded Caffeine
 * cache, so Caffeine's W-TinyLFU decides which authors are tracked at all: a flood of authors read once
 * cannot push out the counters of authors read often, and an author whose counter was dropped gets it
 * back once its (sketched) frequency beats the coldest tracked one. A tracked count is exact (never an
 * over-count, unlike the count-min sketch this replaces); an untracked author counts zero, so a dropped
 * counter can only delay a promotion, never cause one. A read of a tracked author takes no lock: Caffeine's
 * hit path is lock-free and the counter is atomic.
 */
final class ReadCounts {
  private final Cache<Long, AtomicInteger> counts;

  ReadCounts(long maxTracked) {
    this.counts = Caffeine.newBuilder().maximumSize(maxTracked).build();
  }

  /** Records one read and returns the author's count including it. */
  int increment(long authorId) {
    return counts.get(authorId, id -> new AtomicInteger()).incrementAndGet();
  }

  /** The author's count, without counting as an access in Caffeine's own frequency sketch. */
  int estimate(long authorId) {
    AtomicInteger count = counts.policy().getIfPresentQuietly(authorId);
    return count == null ? 0 : count.get();
  }

  /**
   * Halves every count so past popularity fades, and stops tracking authors that reach zero. A read that
   * lands between an author's halving to zero and its removal is lost; the count is a promotion signal,
   * not a metric, so one read is not worth a lock on the read path.
   */
  void halve() {
    counts.asMap().values().removeIf(count -> count.updateAndGet(n -> n >>> 1) == 0);
  }
}
