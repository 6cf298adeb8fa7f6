package dev.feed.perf;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
 */
public final class OpenLoad {
    private OpenLoad() {
    }

    public record Result(String name, double targetRate, double achievedRate, long requests, long errors,
            Histogram histogram, Duration duration) {
        public double p(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        public String summary() {
            return String.format("%s: target %.0f/s achieved %.0f/s, %d requests, %d errors, p50 %.2f ms p90 %.2f ms p99 %.2f ms p99.9 %.2f ms",
                    name, targetRate, achievedRate, requests, errors, p(50), p(90), p(99), p(99.9));
        }
    }

    /** Runs {@code op} at {@code rate} per second for {@code duration}; op completes true on success. */
    public static Result run(String name, double rate, Duration duration, int maxInFlight,
            Supplier<CompletableFuture<Boolean>> op) {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Semaphore inFlight = new Semaphore(maxInFlight);
        long intervalNanos = (long) (1_000_000_000L / rate);
        long total = (long) (rate * duration.toNanos() / 1e9);
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquireUninterruptibly();
            CompletableFuture<Boolean> f;
            try {
                f = op.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((ok, err) -> {
                long micros = (System.nanoTime() - due) / 1000;
                recorder.recordValue(Math.max(1, Math.min(micros, TimeUnit.SECONDS.toMicros(60))));
                if (err != null || !Boolean.TRUE.equals(ok)) {
                    errors.incrementAndGet();
                }
                done.incrementAndGet();
                inFlight.release();
            });
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
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Histogram h = recorder.getIntervalHistogram();
        return new Result(name, rate, done.get() / (took.toNanos() / 1e9), done.get() + lost, errors.get() + lost, h, took);
    }
}
