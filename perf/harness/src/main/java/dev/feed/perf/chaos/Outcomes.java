package dev.feed.perf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request's outcome with the span it was in flight (seconds since the run started, on the
 * monotonic clock): the report counts them per second by outcome (ok, rejected (429), failed (5xx
 * or another unexpected status), timed out / unreachable) and {@link FaultWindows} attributes each
 * failure to the fault it overlapped, or to none.
 */
final class Outcomes {
    /** Counts of one second. */
    static final class Second {
        int ok;
        int rejected;
        int failed;
        int timedOut;
    }

    /**
     * One request: its operation, HTTP status (or -1 timed out, -2 connection/transport failure),
     * and when it was sent and answered, in seconds since the run started.
     */
    record Sample(String op, int status, double startS, double endS) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The system did not serve it: a 5xx, a timeout or a refused/broken connection (a 429 is a deliberate rejection). */
        boolean unavailable() {
            return status < 0 || status >= 500;
        }

        double latencyMs() {
            return (endS - startS) * 1000;
        }

        String outcome() {
            return op + " " + (status == -1 ? "timeout" : status == -2 ? "connection" : String.valueOf(status));
        }
    }

    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();

    /** Seconds since the run started. */
    double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Records a request sent at {@code startS} (from {@link #now()}) and answered now. */
    void record(String op, int status, double startS) {
        add(new Sample(op, status, startS, now()));
    }

    synchronized void add(Sample s) {
        samples.add(s);
    }

    synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /** Outcomes per second (by when each request was answered), for the chart. */
    synchronized Map<Long, Second> seconds() {
        Map<Long, Second> seconds = new TreeMap<>();
        for (Sample s : samples) {
            Second sec = seconds.computeIfAbsent((long) Math.floor(s.endS()), k -> new Second());
            if (s.ok()) {
                sec.ok++;
            } else if (s.status() == 429) {
                sec.rejected++;
            } else if (s.status() < 0) {
                sec.timedOut++;
            } else {
                sec.failed++;
            }
        }
        return seconds;
    }

    /** Failures by operation and status over the whole run, e.g. {"publish 503": 4} (429s are not failures). */
    synchronized Map<String, Integer> unexpected() {
        Map<String, Integer> unexpected = new TreeMap<>();
        for (Sample s : samples) {
            if (!s.ok() && s.status() != 429) {
                unexpected.merge(s.outcome(), 1, Integer::sum);
            }
        }
        return unexpected;
    }
}
