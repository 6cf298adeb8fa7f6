package dev.feed.perf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Every request's outcome by second since the run started: ok, rejected (429), failed (5xx or
 * another unexpected status) and timed out / unreachable; with each request's latency kept so the
 * report can give the p99 during any window (a fault's).
 */
final class Outcomes {
    /** Counts of one second. */
    static final class Second {
        int ok;
        int rejected;
        int failed;
        int timedOut;
    }

    private record Sample(long atMillis, long micros, boolean ok) {
    }

    private final long startMillis = System.currentTimeMillis();
    private final Map<Long, Second> seconds = new TreeMap<>();
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, Integer> unexpected = new TreeMap<>();

    long startMillis() {
        return startMillis;
    }

    double now() {
        return (System.currentTimeMillis() - startMillis) / 1000.0;
    }

    synchronized void record(String op, int status, long micros) {
        long at = System.currentTimeMillis();
        Second s = seconds.computeIfAbsent((at - startMillis) / 1000, k -> new Second());
        boolean ok = status >= 200 && status < 300;
        if (ok) {
            s.ok++;
        } else if (status == 429) {
            s.rejected++;
        } else if (status < 0) {
            s.timedOut++;
        } else {
            s.failed++;
        }
        if (!ok && status != 429) {
            unexpected.merge(op + " " + (status == -1 ? "timeout" : status == -2 ? "connection" : String.valueOf(status)), 1, Integer::sum);
        }
        samples.add(new Sample(at, micros, ok));
    }

    synchronized Map<Long, Second> seconds() {
        return new TreeMap<>(seconds);
    }

    /** Failures by operation and status over the whole run, e.g. {"publish 503": 4}. */
    synchronized Map<String, Integer> unexpected() {
        return new TreeMap<>(unexpected);
    }

    /** Seconds in [from, to) (since start) with at least one failed or timed-out request. */
    synchronized int badSeconds(double from, double to) {
        int n = 0;
        for (var e : seconds.entrySet()) {
            if (e.getKey() >= Math.floor(from) && e.getKey() < to && (e.getValue().failed + e.getValue().timedOut) > 0) {
                n++;
            }
        }
        return n;
    }

    /** Requests (count, failed, p99 ms) started... ended in [from, to) seconds since start. */
    synchronized double[] window(double from, double to) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        int count = 0;
        int failed = 0;
        for (Sample s : samples) {
            double t = (s.atMillis - startMillis) / 1000.0;
            if (t >= from && t < to) {
                h.recordValue(Math.max(1, Math.min(s.micros, 3_600_000_000L - 1)));
                count++;
                if (!s.ok) {
                    failed++;
                }
            }
        }
        return new double[] {count, failed, count == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0};
    }
}
