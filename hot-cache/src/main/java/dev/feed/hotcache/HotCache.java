package dev.feed.hotcache;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Resident, non-expiring cache of the latest post refs of hot authors: pinned (pull-tier) authors plus
 * authors promoted by read frequency. Reads never do I/O; rebuilds run asynchronously through the
 * injected {@link OutboxLoader} and are coalesced to at most one in flight per author. All methods are
 * thread-safe.
 */
public interface HotCache {

  enum Verification {
    MATCH,
    /** Local list absent or different; a rebuild has been requested. */
    MISMATCH,
    NOT_RESIDENT
  }

  static Builder builder() {
    return new Builder();
  }

  /** Empty-list value of {@link #checksum}: FarmHash Fingerprint64 of no bytes. */
  long EMPTY_CHECKSUM = 0x9ae16a3b2f90404fL;

  /**
   * Guava's {@code Hashing.farmHashFingerprint64()} over the refs in the given order, each ref contributing
   * 16 bytes: {@code postId} then {@code createdAtMillis}, each as 8 bytes little-endian (Guava's
   * {@code putLong}). A fingerprint, not a hash: Guava promises its output never changes, which is what a
   * value every instance writes to Redis and compares needs. Order-sensitive on purpose: pass lists as the
   * cache holds them, i.e. {@link PostRef#newestDistinct}. feed-service's verifier uses this same method.
   */
  static long checksum(List<PostRef> refs) {
    Hasher hasher = FINGERPRINT.newHasher(refs.size() * 2 * Long.BYTES);
    for (PostRef ref : refs) {
      hasher.putLong(ref.postId()).putLong(ref.createdAtMillis());
    }
    return hasher.hash().asLong();
  }

  /** Shared and immutable; see {@link #checksum}. */
  HashFunction FINGERPRINT = Hashing.farmHashFingerprint64();

  /** Makes the author resident until {@link #unpin}, upgrading a frequent author; loads asynchronously. */
  void pin(long authorId);

  /** Evicts a pinned author; returns false if it was not pinned. It may come back as FREQUENT if read. */
  boolean unpin(long authorId);

  boolean isResident(long authorId);

  /**
   * The author's entry if resident and loaded (a hit), else empty (a miss). Never does I/O. Every call
   * counts as a read of the author and may promote it, loading it in the background.
   */
  Optional<AuthorEntry> get(long authorId);

  /** Like {@link #get} but invisible to metrics and the read counts; meant for admin views. */
  Optional<AuthorEntry> peek(long authorId);

  /**
   * Requests a rebuild after a publish or delete. The stage completes, never exceptionally, once a load
   * that started after this call has finished: with the entry at that point (the previous one, same
   * version, if that load failed), or empty if the author is not, or no longer, resident or never loaded.
   */
  CompletionStage<Optional<AuthorEntry>> onChange(long authorId);

  /** Compares the local checksum with the outbox's; on mismatch counts it and requests a rebuild. */
  Verification verify(long authorId, long expectedChecksum);

  /** Loaded resident entries, ordered by authorId. */
  List<AuthorEntry> snapshot();

  Stats stats();

  final class Builder {
    private OutboxLoader loader;
    private Ticker ticker = WALL_CLOCK;
    private Executor executor;
    private int maxRefsPerAuthor = 100;
    private int maxFrequentAuthors = 1_000;
    private int frequentReadThreshold = 64;
    private Duration agingPeriod = Duration.ofMinutes(1);
    private Consumer<AuthorEntry> onRebuilt = entry -> { };

    /**
     * The wall clock as a Caffeine {@link Ticker}. Not {@link Ticker#systemTicker()}: that is
     * {@code System.nanoTime}, whose origin is arbitrary, and {@code loadedAtMillis} is shown to operators on
     * the admin endpoint, where only wall-clock time reads. The cache tolerates this clock stepping back.
     */
    private static final Ticker WALL_CLOCK = () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());

    private Builder() { }

    /** Required. */
    public Builder loader(OutboxLoader loader) {
      this.loader = Objects.requireNonNull(loader);
      return this;
    }

    /**
     * Caffeine's time source, in nanoseconds: drives aging and {@link AuthorEntry#loadedAtMillis}. Default:
     * the wall clock (see {@link #WALL_CLOCK}); tests pass a fake one.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker);
      return this;
    }

    /** Runs loads and their completion handling. Default: two daemon threads. On rejection the caller runs. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor);
      return this;
    }

    /** K, the number of newest refs kept per author. Default 100. */
    public Builder maxRefsPerAuthor(int k) {
      this.maxRefsPerAuthor = requireAtLeast(1, k, "maxRefsPerAuthor");
      return this;
    }

    /** Cap on FREQUENT residents (pinned authors are not counted). 0 disables promotion. Default 1000. */
    public Builder maxFrequentAuthors(int max) {
      this.maxFrequentAuthors = requireAtLeast(0, max, "maxFrequentAuthors");
      return this;
    }

    /**
     * Estimated reads at which an author is promoted; an author whose estimate is below it when the
     * sketch ages is demoted. Because aging halves counts, a steady rate of about threshold/2 reads per
     * aging period keeps an author resident. Default 64.
     */
    public Builder frequentReadThreshold(int threshold) {
      this.frequentReadThreshold = requireAtLeast(1, threshold, "frequentReadThreshold");
      return this;
    }

    /** How often read counts are halved (and cold frequent authors demoted). Default 1 minute. */
    public Builder agingPeriod(Duration period) {
      if (period.toMillis() < 1) {
        throw new IllegalArgumentException("agingPeriod must be at least 1ms: " + period);
      }
      this.agingPeriod = period;
      return this;
    }

    /** Called after each successful rebuild of a resident author, on the executor; exceptions are swallowed. */
    public Builder onRebuilt(Consumer<AuthorEntry> listener) {
      this.onRebuilt = Objects.requireNonNull(listener);
      return this;
    }

    public HotCache build() {
      if (loader == null) {
        throw new IllegalStateException("loader is required");
      }
      return new DefaultHotCache(loader, ticker, executor != null ? executor : defaultExecutor(),
          maxRefsPerAuthor, maxFrequentAuthors, frequentReadThreshold, agingPeriod.toNanos(), onRebuilt);
    }

    private static int requireAtLeast(int min, int value, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
      }
      return value;
    }

    // Loads are async, so the executor only starts them and applies results: two threads suffice, and
    // daemon threads mean a cache nobody closes cannot keep the JVM alive.
    private static Executor defaultExecutor() {
      AtomicInteger n = new AtomicInteger();
      return Executors.newFixedThreadPool(2, task -> {
        Thread t = new Thread(task, "hot-cache-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }
}
