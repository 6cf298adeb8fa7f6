package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real threads; assertions hold for every interleaving, so these can't flake on timing. */
class HotCacheConcurrencyTest {
  private static final int THREADS = 8;
  private static final int CHANGES_PER_THREAD = 250;

  private final ExecutorService cachePool = Executors.newFixedThreadPool(4);
  private final ExecutorService loaderPool = Executors.newFixedThreadPool(4);
  private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void shutdown() {
    cachePool.shutdownNow();
    loaderPool.shutdownNow();
    callers.shutdownNow();
  }

  /** Counts loads in flight per author; completes on another pool like a real Redis client. */
  private final class CountingLoader implements OutboxLoader {
    final Map<Long, ConcurrentLinkedQueue<PostRef>> outbox = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public CompletableFuture<List<PostRef>> load(long authorId, int limit) {
      AtomicInteger counter = inFlight.computeIfAbsent(authorId, id -> new AtomicInteger());
      maxInFlight.accumulateAndGet(counter.incrementAndGet(), Math::max);
      loads.incrementAndGet();
      List<PostRef> snapshot = List.copyOf(outbox(authorId));
      return CompletableFuture.supplyAsync(() -> {
        Thread.yield(); // widen the window in which an overlapping load would be caught
        counter.decrementAndGet();
        return snapshot;
      }, loaderPool);
    }

    ConcurrentLinkedQueue<PostRef> outbox(long authorId) {
      return outbox.computeIfAbsent(authorId, id -> new ConcurrentLinkedQueue<>());
    }
  }

  private record Change(PostRef published, CompletableFuture<Optional<AuthorEntry>> stage) { }

  @Test
  void onChange_manyThreadsSameAuthor_oneLoadInFlightAndEveryStageSeesItsPublish() throws Exception {
    CountingLoader loader = new CountingLoader();
    int k = THREADS * CHANGES_PER_THREAD;
    HotCache cache = HotCache.builder().loader(loader).executor(cachePool).maxRefsPerAuthor(k).build();
    long author = 1;
    cache.pin(author);
    CountDownLatch start = new CountDownLatch(1);

    List<Future<List<Change>>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(callers.submit(() -> {
        start.await();
        List<Change> mine = new ArrayList<>();
        for (int i = 0; i < CHANGES_PER_THREAD; i++) {
          PostRef ref = new PostRef(thread * 100_000L + i, thread * 100_000L + i);
          loader.outbox(author).add(ref); // publish, then broadcast
          mine.add(new Change(ref, cache.onChange(author).toCompletableFuture()));
          cache.get(author);
        }
        return mine;
      }));
    }
    start.countDown();

    List<Change> changes = new ArrayList<>();
    for (Future<List<Change>> worker : workers) {
      changes.addAll(worker.get(30, TimeUnit.SECONDS));
    }
    for (Change change : changes) {
      AuthorEntry seen = change.stage().get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(seen.refs()).contains(change.published());
    }

    assertThat(loader.maxInFlight.get()).isEqualTo(1);
    AuthorEntry last = cache.peek(author).orElseThrow();
    assertThat(last.refs()).isEqualTo(PostRef.newestDistinct(loader.outbox(author), k)).hasSize(k);
    assertThat(last.version()).isEqualTo(loader.loads.get());
    Stats stats = cache.stats();
    assertThat(stats.rebuilds()).isEqualTo(loader.loads.get());
    // Each load can absorb many changes, so far fewer loads than changes (exact count is timing-dependent).
    assertThat(stats.coalescedChanges() + loader.loads.get()).isEqualTo(1 + THREADS * CHANGES_PER_THREAD);
  }

  @Test
  void mixedOperations_manyThreadsManyAuthors_keepCountsAndResidencyConsistent() throws Exception {
    CountingLoader loader = new CountingLoader();
    HotCache cache = HotCache.builder().loader(loader).executor(cachePool)
        .maxFrequentAuthors(4).frequentReadThreshold(20).build();
    LongAdder gets = new LongAdder();
    CountDownLatch start = new CountDownLatch(1);

    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(callers.submit(() -> {
        start.await();
        for (int i = 0; i < 2_000; i++) {
          long author = (thread * 31L + i) % 16;
          switch (i % 5) {
            case 0 -> cache.pin(author);
            case 1 -> cache.unpin(author);
            case 2 -> cache.onChange(author);
            default -> {
              cache.get(author);
              gets.increment();
            }
          }
          cache.verify(author, 0);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> worker : workers) {
      worker.get(30, TimeUnit.SECONDS);
    }

    Stats stats = cache.stats();
    assertThat(stats.hits() + stats.misses()).isEqualTo(gets.sum());
    assertThat(stats.frequentAuthors()).isLessThanOrEqualTo(4);
    assertThat(stats.residentAuthors()).isEqualTo(stats.pinnedAuthors() + stats.frequentAuthors());
    assertThat(cache.snapshot()).allSatisfy(e -> assertThat(cache.isResident(e.authorId())).isTrue());
  }
}
