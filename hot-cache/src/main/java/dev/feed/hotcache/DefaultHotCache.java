package dev.feed.hotcache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.feed.hotcache.AuthorEntry.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Residency lives in a ConcurrentHashMap of {@link Slot}s so reads are lock-free. Residency changes
 * (pin, unpin, promote, demote, aging) are rare and serialised on {@link #residencyLock}; each slot's
 * load state machine is guarded by the slot's own monitor. No lock is held while calling the loader
 * or the listener.
 */
final class DefaultHotCache implements HotCache {

  private final OutboxLoader loader;
  private final Ticker ticker;
  private final Executor executor;
  private final int maxRefs;
  private final int maxFrequent;
  private final int threshold;
  private final long agingPeriodNanos;
  private final Consumer<AuthorEntry> onRebuilt;

  private final ReadCounts reads;
  private final ConcurrentHashMap<Long, Slot> slots = new ConcurrentHashMap<>();
  private final Object residencyLock = new Object();
  private final Set<Long> frequent = new HashSet<>(); // guarded by residencyLock
  private final AtomicLong nextAgingAt;
  // Coldest incumbent's estimate at the last failed promotion (0 = unknown). Incumbents' estimates only
  // grow until the next aging, so a candidate at or below it would lose again; skipping the attempt
  // keeps a hot-but-not-hot-enough author from taking the lock and scanning the set on every read.
  // Reset whenever the set shrinks or the counts age.
  private volatile int admissionFloor;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder rebuilds = new LongAdder();
  private final LongAdder rebuildFailures = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder repairs = new LongAdder();
  private final LongAdder promotions = new LongAdder();
  private final LongAdder demotions = new LongAdder();

  DefaultHotCache(OutboxLoader loader, Ticker ticker, Executor executor, int maxRefs, int maxFrequent,
      int threshold, long agingPeriodNanos, Consumer<AuthorEntry> onRebuilt) {
    this.loader = loader;
    this.ticker = ticker;
    this.executor = executor;
    this.maxRefs = maxRefs;
    this.maxFrequent = maxFrequent;
    this.threshold = threshold;
    this.agingPeriodNanos = agingPeriodNanos;
    this.onRebuilt = onRebuilt;
    // 16 tracked counters per frequent slot: room for the candidates warming up behind the incumbents.
    this.reads = new ReadCounts(Math.min(1 << 20, Math.max(1024L, maxFrequent * 16L)));
    this.nextAgingAt = new AtomicLong(ticker.read() + agingPeriodNanos);
  }

  /** Per-author state. {@code entry} is published via volatile for lock-free reads. */
  private static final class Slot {
    final long authorId;
    volatile Reason reason;
    volatile AuthorEntry entry;
    // Guarded by this. While a load runs, non-empty pending means exactly one follow-up is owed;
    // while none runs, non-empty pending means a load is queued on the executor.
    boolean running;
    List<CompletableFuture<Optional<AuthorEntry>>> pending = new ArrayList<>();

    Slot(long authorId, Reason reason) {
      this.authorId = authorId;
      this.reason = reason;
    }
  }

  @Override
  public void pin(long authorId) {
    Slot slot;
    synchronized (residencyLock) {
      slot = slots.get(authorId);
      if (slot != null) {
        if (frequent.remove(authorId)) {
          admissionFloor = 0;
        }
        synchronized (slot) {
          slot.reason = Reason.PINNED;
          if (slot.entry != null) {
            slot.entry = slot.entry.withReason(Reason.PINNED);
          }
        }
        return;
      }
      slot = new Slot(authorId, Reason.PINNED);
      slots.put(authorId, slot);
    }
    requestLoad(slot);
  }

  @Override
  public boolean unpin(long authorId) {
    synchronized (residencyLock) {
      Slot slot = slots.get(authorId);
      if (slot == null || slot.reason != Reason.PINNED) {
        return false;
      }
      slots.remove(authorId);
      return true;
    }
  }

  @Override
  public boolean isResident(long authorId) {
    return slots.containsKey(authorId);
  }

  @Override
  public Optional<AuthorEntry> get(long authorId) {
    maintain();
    int estimate = reads.increment(authorId);
    Slot slot = slots.get(authorId);
    AuthorEntry entry = slot == null ? null : slot.entry;
    (entry != null ? hits : misses).increment();
    if (slot == null && estimate >= threshold && estimate > admissionFloor) {
      promote(authorId, estimate);
    }
    return Optional.ofNullable(entry);
  }

  @Override
  public Optional<AuthorEntry> peek(long authorId) {
    Slot slot = slots.get(authorId);
    return Optional.ofNullable(slot == null ? null : slot.entry);
  }

  @Override
  public CompletionStage<Optional<AuthorEntry>> onChange(long authorId) {
    maintain();
    Slot slot = slots.get(authorId);
    if (slot == null) {
      ignored.increment();
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return requestLoad(slot);
  }

  @Override
  public Verification verify(long authorId, long expectedChecksum) {
    Slot slot = slots.get(authorId);
    if (slot == null) {
      return Verification.NOT_RESIDENT;
    }
    AuthorEntry entry = slot.entry;
    if (entry != null && entry.checksum() == expectedChecksum) {
      return Verification.MATCH;
    }
    mismatches.increment();
    requestLoad(slot).thenAccept(after -> {
      if (after.isPresent() && after.get().checksum() == expectedChecksum) {
        repairs.increment();
      }
    });
    return Verification.MISMATCH;
  }

  @Override
  public List<AuthorEntry> snapshot() {
    List<AuthorEntry> out = new ArrayList<>();
    for (Slot slot : slots.values()) {
      AuthorEntry entry = slot.entry;
      if (entry != null) {
        out.add(entry);
      }
    }
    out.sort(Comparator.comparingLong(AuthorEntry::authorId));
    return out;
  }

  @Override
  public Stats stats() {
    int pinned = 0;
    for (Slot slot : slots.values()) {
      if (slot.reason == Reason.PINNED) {
        pinned++;
      }
    }
    int frequentCount;
    synchronized (residencyLock) {
      frequentCount = frequent.size();
    }
    return new Stats(hits.sum(), misses.sum(), rebuilds.sum(), rebuildFailures.sum(), coalesced.sum(),
        ignored.sum(), mismatches.sum(), repairs.sum(), promotions.sum(), demotions.sum(), slots.size(),
        pinned, frequentCount);
  }

  // ---- frequency tier ----

  private void promote(long authorId, int estimate) {
    Slot slot;
    synchronized (residencyLock) {
      if (slots.containsKey(authorId) || maxFrequent == 0) {
        return;
      }
      if (frequent.size() >= maxFrequent) {
        // Linear scan: promotion attempts are rare and the cap is small, so a heap isn't worth its upkeep.
        long coldest = 0;
        int coldestEstimate = Integer.MAX_VALUE;
        for (long candidate : frequent) {
          int e = reads.estimate(candidate);
          if (e < coldestEstimate) {
            coldest = candidate;
            coldestEstimate = e;
          }
        }
        if (coldestEstimate >= estimate) {
          admissionFloor = coldestEstimate;
          return; // incumbents win ties, so two equally hot authors don't evict each other back and forth
        }
        demote(coldest);
      }
      frequent.add(authorId);
      slot = new Slot(authorId, Reason.FREQUENT);
      slots.put(authorId, slot);
      promotions.increment();
    }
    requestLoad(slot);
  }

  // Caller holds residencyLock.
  private void demote(long authorId) {
    admissionFloor = 0;
    frequent.remove(authorId);
    slots.remove(authorId);
    demotions.increment();
  }

  /**
   * Ages the read counts once per period, piggybacked on get/onChange so no timer thread is needed. Frequent
   * authors whose estimate no longer reaches the threshold are demoted before halving.
   */
  private void maintain() {
    long now = ticker.read();
    long due = nextAgingAt.get();
    // A wall clock stepped back by more than one period would otherwise postpone aging indefinitely.
    if (now < due && due - now <= agingPeriodNanos) {
      return;
    }
    if (!nextAgingAt.compareAndSet(due, now + agingPeriodNanos)) {
      return; // another thread is aging
    }
    synchronized (residencyLock) {
      for (Iterator<Long> it = frequent.iterator(); it.hasNext(); ) {
        long authorId = it.next();
        if (reads.estimate(authorId) < threshold) {
          it.remove();
          slots.remove(authorId);
          demotions.increment();
        }
      }
      reads.halve();
      admissionFloor = 0;
    }
  }

  // ---- rebuilds ----

  private CompletionStage<Optional<AuthorEntry>> requestLoad(Slot slot) {
    CompletableFuture<Optional<AuthorEntry>> done = new CompletableFuture<>();
    boolean start;
    synchronized (slot) {
      boolean first = slot.pending.isEmpty();
      slot.pending.add(done);
      start = first && !slot.running;
      if (!first) {
        coalesced.increment();
      }
    }
    if (start) {
      execute(() -> runLoad(slot));
    }
    return done;
  }

  private void runLoad(Slot slot) {
    List<CompletableFuture<Optional<AuthorEntry>>> covered;
    synchronized (slot) {
      covered = slot.pending;
      slot.pending = new ArrayList<>();
      slot.running = true;
    }
    if (!isCurrent(slot)) {
      finish(slot, covered);
      return;
    }
    CompletionStage<List<PostRef>> stage;
    try {
      stage = loader.load(slot.authorId, maxRefs);
      if (stage == null) {
        throw new NullPointerException("loader returned null stage");
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    // Hop back onto our executor: the loader may complete on an I/O event loop, which must not run
    // the listener (a Redis write) or the next load.
    stage.whenComplete((refs, error) -> execute(() -> {
      apply(slot, refs, error);
      finish(slot, covered);
    }));
  }

  private void apply(Slot slot, List<PostRef> refs, Throwable error) {
    AuthorEntry rebuilt = null;
    if (error == null && refs != null) {
      try {
        List<PostRef> latest = PostRef.newestDistinct(refs, maxRefs);
        synchronized (slot) {
          long version = slot.entry == null ? 1 : slot.entry.version() + 1;
          rebuilt = new AuthorEntry(slot.authorId, latest, version, HotCache.checksum(latest),
              TimeUnit.NANOSECONDS.toMillis(ticker.read()),
              slot.reason);
          slot.entry = rebuilt;
        }
      } catch (RuntimeException e) {
        // e.g. a null element in the loader's list: counted as a failure below, previous list kept.
      }
    }
    if (rebuilt == null) {
      rebuildFailures.increment();
      return;
    }
    rebuilds.increment();
    if (isCurrent(slot)) {
      try {
        onRebuilt.accept(rebuilt);
      } catch (RuntimeException e) {
        // The listener is feed-service's checksum write; its failure must not wedge the cache. The
        // verifier will see the stale checksum and re-broadcast.
      }
    }
  }

  private void finish(Slot slot, List<CompletableFuture<Optional<AuthorEntry>>> covered) {
    boolean resident = isCurrent(slot);
    boolean followUp;
    List<CompletableFuture<Optional<AuthorEntry>>> orphaned = List.of();
    synchronized (slot) {
      slot.running = false;
      followUp = resident && !slot.pending.isEmpty();
      if (!resident) {
        orphaned = slot.pending;
        slot.pending = new ArrayList<>();
      }
    }
    Optional<AuthorEntry> result = resident ? Optional.ofNullable(slot.entry) : Optional.empty();
    covered.forEach(f -> f.complete(result));
    orphaned.forEach(f -> f.complete(Optional.empty()));
    if (followUp) {
      execute(() -> runLoad(slot));
    }
  }

  private boolean isCurrent(Slot slot) {
    return slots.get(slot.authorId) == slot;
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // caller-runs: dropping the task would leave a slot marked running forever
    }
  }
}
