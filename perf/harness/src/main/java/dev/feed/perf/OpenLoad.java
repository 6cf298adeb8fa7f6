package dev.feed.perf;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model load at a constant arrival rate, wrk2-style: request i is due at t0 + i/rate,
 * and its latency is measured from when it was DUE, not from when it was sent. A server that
 * stalls therefore shows the queueing delay its clients would see, instead of hiding it by
 * slowing the generator down (coordinated omission). At most {@code maxInFlight} requests are
 * outstanding; beyond that the generator waits, and the wait counts as latency.
 *
 * <p>Two numbers tell the generator's own health apart from the server's: the send lag (how
 * late after its due time each request was handed to the client: a generator that cannot keep
 * up, or is descheduled, shows here, not in the server) and the harness process's CPU share.
 *
 * <p>Requests leave in batches: the generator wakes at most every {@link #SEND_WINDOW} and hands
 * everything due by then to the sender in one task. One wake-up and one hand-over per request
 * cost the generator ~100 us of CPU per request at 8,000/s (C1 only), CPU the server under test
 * then lacked; batched, 70 us (C1) and 45 us (C2; ~22 us at 25,000/s). The price is up to one
 * window of send lag per request, which counts in its latency (measured from the due time) and
 * in the send lag column (now taken when the sender runs the batch, so a busy client loop shows
 * there too).
 */
public final class OpenLoad {
    /** The longest a due request waits for the generator's next wake-up. */
    static final Duration SEND_WINDOW = Duration.ofNanos(500_000);
    private static final int MAX_BATCH = 64;

    private OpenLoad() {
    }

    /**
     * One step: achieved rate counts completions over the whole step (including the drain after
     * the last send); {@code errorKinds} names each failure (HTTP status or exception class).
     */
    public record Result(String name, double targetRate, double achievedRate, long requests, long errors,
            Histogram histogram, Duration duration, Histogram sendLag, double harnessCpuCores, long harnessGcMillis,
            Map<String, Long> errorKinds) {
        public double p(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        public double sendLagP99() {
            return sendLag.getValueAtPercentile(99) / 1000.0;
        }

        public String summary() {
            return String.format("%s: target %.0f/s achieved %.0f/s, %d requests, %d errors%s, p50 %.2f ms p90 %.2f ms p99 %.2f ms p99.9 %.2f ms"
                            + " max %.1f ms; send lag p99 %.2f ms max %.1f ms; harness CPU %.2f cores, GC %d ms",
                    name, targetRate, achievedRate, requests, errors, errorKinds.isEmpty() ? "" : " " + errorKinds,
                    p(50), p(90), p(99), p(99.9), histogram.getMaxValue() / 1000.0,
                    sendLagP99(), sendLag.getMaxValue() / 1000.0, harnessCpuCores, harnessGcMillis);
        }
    }

    /** {@link #run(String, double, Duration, int, Executor, Supplier)} sending from the generator's own thread. */
    public static Result run(String name, double rate, Duration duration, int maxInFlight,
            Supplier<CompletableFuture<Integer>> op) {
        return run(name, rate, duration, maxInFlight, Runnable::run, op);
    }

    /**
     * Runs {@code op} at {@code rate} per second for {@code duration}, each batch of due requests
     * as one task on {@code sender} (the client's event loop: no hand-over per request); op
     * completes with the HTTP status (200 is a success) or exceptionally.
     */
    public static Result run(String name, double rate, Duration duration, int maxInFlight, Executor sender,
            Supplier<CompletableFuture<Integer>> op) {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        Recorder sendLag = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        ConcurrentMap<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Semaphore inFlight = new Semaphore(maxInFlight);
        double intervalNanos = 1e9 / rate;
        long total = (long) (rate * duration.toNanos() / 1e9);
        long cpu0 = processCpuNanos();
        long gc0 = gcMillis();
        long start = System.nanoTime();
        int batchCap = Math.min(MAX_BATCH, maxInFlight);
        long i = 0;
        while (i < total) {
            long now = System.nanoTime();
            long nextDue = start + (long) (i * intervalNanos);
            if (nextDue > now) {
                LockSupport.parkNanos(Math.max(nextDue - now, SEND_WINDOW.toNanos()));
                now = System.nanoTime();
            }
            long first = i;
            long end = i;
            while (end < total && end - first < batchCap && start + (long) (end * intervalNanos) <= now) {
                end++;
            }
            if (end == first) {
                continue; // woke early
            }
            int n = (int) (end - first);
            inFlight.acquireUninterruptibly(n);
            sender.execute(() -> {
                for (long k = first; k < first + n; k++) {
                    long due = start + (long) (k * intervalNanos);
                    sendLag.recordValue(Math.max(0, Math.min((System.nanoTime() - due) / 1000, TimeUnit.SECONDS.toMicros(60))));
                    CompletableFuture<Integer> f;
                    try {
                        f = op.get();
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    f.whenComplete((status, err) -> {
                        long micros = (System.nanoTime() - due) / 1000;
                        recorder.recordValue(Math.max(1, Math.min(micros, TimeUnit.SECONDS.toMicros(60))));
                        if (err != null || status == null || status != 200) {
                            errors.incrementAndGet();
                            errorKinds.computeIfAbsent(kind(status, err), key -> new AtomicLong()).incrementAndGet();
                        }
                        done.incrementAndGet();
                        inFlight.release();
                    });
                }
            });
            i = end;
        }
        // Requests still unanswered 30 s after the last was sent count as errors (lost or hung).
        long lost = 0;
        try {
            if (!inFlight.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS)) {
                lost = maxInFlight - inFlight.availablePermits();
            } else {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long tookNanos = System.nanoTime() - start;
        double cpuCores = (processCpuNanos() - cpu0) / (double) tookNanos;
        Histogram h = recorder.getIntervalHistogram();
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((k, v) -> kinds.put(k, v.get()));
        if (lost > 0) {
            kinds.put("unanswered after 30 s", lost);
        }
        return new Result(name, rate, done.get() / (tookNanos / 1e9), done.get() + lost, errors.get() + lost, h,
                Duration.ofNanos(tookNanos), sendLag.getIntervalHistogram(), cpuCores, gcMillis() - gc0, kinds);
    }

    private static String kind(Integer status, Throwable err) {
        if (err == null) {
            return "HTTP " + status;
        }
        Throwable t = err;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
