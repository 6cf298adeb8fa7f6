package dev.feed.hotcache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Deterministic stand-ins for time, the executor and the outbox. */
final class Fakes {
  private Fakes() { }

  /** Caffeine's ticker reads nanoseconds; the tests think in milliseconds. */
  static final class FakeTicker implements Ticker {
    private final AtomicLong millis = new AtomicLong(1_000);

    @Override
    public long read() {
      return TimeUnit.MILLISECONDS.toNanos(millis.get());
    }

    long millis() {
      return millis.get();
    }

    void advance(long deltaMillis) {
      millis.addAndGet(deltaMillis);
    }
  }

  /** Queues tasks until the test runs them, so the test decides when "async" work happens. */
  static final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    int queued() {
      synchronized (this) {
        return tasks.size();
      }
    }

    /** Runs queued tasks, including ones they enqueue, until none are left. */
    void runAll() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
        }
        if (next == null) {
          return;
        }
        next.run();
      }
    }
  }

  /**
   * An outbox per author. In immediate mode loads complete at once with the outbox as it is; in
   * held mode each load snapshots the outbox when it starts and waits for {@link #release} or
   * {@link #failHeld}, which lets a test observe a load "in flight".
   */
  static final class FakeLoader implements OutboxLoader {
    private final Map<Long, List<PostRef>> outbox = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Held> held = new ArrayList<>();
    private volatile boolean holding;
    private volatile RuntimeException failWith;

    private record Held(CompletableFuture<List<PostRef>> future, List<PostRef> snapshot) { }

    @Override
    public CompletionStage<List<PostRef>> load(long authorId, int limit) {
      calls.computeIfAbsent(authorId, id -> new AtomicInteger()).incrementAndGet();
      List<PostRef> snapshot = List.copyOf(outbox.getOrDefault(authorId, List.of()));
      if (failWith != null) {
        return CompletableFuture.failedFuture(failWith);
      }
      if (!holding) {
        return CompletableFuture.completedFuture(snapshot);
      }
      CompletableFuture<List<PostRef>> future = new CompletableFuture<>();
      synchronized (held) {
        held.add(new Held(future, snapshot));
      }
      return future;
    }

    void put(long authorId, PostRef... refs) {
      outbox.put(authorId, List.of(refs));
    }

    void hold() {
      holding = true;
    }

    void failNextLoads(RuntimeException e) {
      failWith = e;
    }

    void succeedNextLoads() {
      failWith = null;
    }

    int calls(long authorId) {
      AtomicInteger n = calls.get(authorId);
      return n == null ? 0 : n.get();
    }

    int held() {
      synchronized (held) {
        return held.size();
      }
    }

    void release() {
      List<Held> now;
      synchronized (held) {
        now = new ArrayList<>(held);
        held.clear();
      }
      now.forEach(h -> h.future.complete(h.snapshot));
    }

    void failHeld(RuntimeException e) {
      List<Held> now;
      synchronized (held) {
        now = new ArrayList<>(held);
        held.clear();
      }
      now.forEach(h -> h.future.completeExceptionally(e));
    }
  }
}
