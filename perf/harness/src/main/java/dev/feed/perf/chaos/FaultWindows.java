package dev.feed.perf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * Attributes every request to the faults it overlapped. A fault's window runs from its kill until
 * the cluster was whole again plus {@code grace} (clients notice a recovery a moment late: HAProxy
 * takes a replica back after two good checks, a Redis client refreshes its slot map). A request
 * that was unavailable (5xx, timeout, refused connection) while in flight during no window is an
 * unexplained failure: the run fails on it, since a healthy cluster must serve every request.
 */
final class FaultWindows {
    /** What one fault cost the clients. */
    record Cost(Faults.Fault fault, int requests, int unavailable, int unavailableSeconds, double p99Ms) {
    }

    /** The accounting of a whole run. */
    record Accounting(List<Cost> perFault, List<Outcomes.Sample> outside) {
        /** Unexplained failures by operation and status, e.g. {"timeline 500": 3}. */
        Map<String, Integer> outsideByOutcome() {
            Map<String, Integer> m = new TreeMap<>();
            outside.forEach(s -> m.merge(s.outcome(), 1, Integer::sum));
            return m;
        }
    }

    private final double graceS;

    FaultWindows(double graceS) {
        this.graceS = graceS;
    }

    Accounting account(List<Faults.Fault> faults, List<Outcomes.Sample> samples) {
        List<Cost> perFault = new ArrayList<>();
        for (Faults.Fault f : faults) {
            perFault.add(cost(f, samples));
        }
        List<Outcomes.Sample> outside = new ArrayList<>();
        for (Outcomes.Sample s : samples) {
            if (s.unavailable() && faults.stream().noneMatch(f -> overlaps(s, f))) {
                outside.add(s);
            }
        }
        return new Accounting(perFault, outside);
    }

    /**
     * Requests in flight during the window; unavailable seconds = the one-second buckets of the
     * window touched by a failed request's flight (a request that timed out after 10 s makes
     * each of its 10 seconds unavailable: nobody was served through it); p99 over the requests
     * sent within the window.
     */
    private Cost cost(Faults.Fault f, List<Outcomes.Sample> samples) {
        double from = f.killedAt();
        double to = end(f);
        Histogram latency = new Histogram(3_600_000_000L, 3);
        TreeSet<Long> badSeconds = new TreeSet<>();
        int requests = 0;
        int unavailable = 0;
        for (Outcomes.Sample s : samples) {
            if (!overlaps(s, f)) {
                continue;
            }
            requests++;
            if (s.startS() >= from) {
                latency.recordValue(Math.max(1, Math.min((long) (s.latencyMs() * 1000), 3_600_000_000L - 1)));
            }
            if (s.unavailable()) {
                unavailable++;
                long first = (long) Math.floor(Math.max(s.startS(), from));
                long last = (long) Math.floor(Math.min(s.endS(), to));
                for (long sec = first; sec <= last; sec++) {
                    badSeconds.add(sec);
                }
            }
        }
        double p99 = latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99) / 1000.0;
        return new Cost(f, requests, unavailable, badSeconds.size(), p99);
    }

    private boolean overlaps(Outcomes.Sample s, Faults.Fault f) {
        return s.endS() >= f.killedAt() && s.startS() <= end(f);
    }

    private double end(Faults.Fault f) {
        return f.backAt() + graceS;
    }
}
