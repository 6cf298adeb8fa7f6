package dev.feed.perf;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * pgbench in the open model: {@code -R rate} schedules transactions at a constant rate, and the
 * per-transaction log ({@code -l}) gives each one's latency, which under {@code -R} pgbench
 * measures from the transaction's scheduled start (its schedule lag included): from the due
 * time, like {@link OpenLoad}. So the naive SQL design and the timeline
 * are held to the same "p99 <= 50 ms at this rate" bar, not a closed-loop tps against an
 * open-model rate.
 */
final class PgbenchOpen {
    record Step(double targetRate, double achievedRate, long transactions, double p50Ms, double p99Ms, double maxMs) {
    }

    private PgbenchOpen() {
    }

    static Step run(List<String> connection, Map<String, String> env, Path script, double rate, int seconds, int clients) throws IOException {
        Path dir = Files.createTempDirectory("pgbench-open");
        try {
            List<String> command = new ArrayList<>(List.of("pgbench", "-n"));
            command.addAll(connection.subList(0, connection.size() - 1));
            command.addAll(List.of("-c", String.valueOf(clients), "-j", "2", "-R", String.valueOf((int) rate), "-T", String.valueOf(seconds),
                    "-l", "--log-prefix=" + dir.resolve("tx"), "-f", script.toString(), connection.get(connection.size() - 1)));
            // pgbench writes its logs into the working directory of the prefix: an absolute prefix keeps them in dir
            Shell.run(command, env);
            List<String> lines = new ArrayList<>();
            try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "tx*")) {
                for (Path log : logs) {
                    lines.addAll(Files.readAllLines(log));
                }
            }
            return summarize(rate, seconds, lines);
        } finally {
            try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir)) {
                for (Path log : logs) {
                    Files.deleteIfExists(log);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Lines of pgbench's per-transaction log under {@code -R}:
     * {@code client_id transaction_no time_us script_no time_epoch time_epoch_us schedule_lag_us},
     * where {@code time_us} already runs from the scheduled start. A skipped transaction (time
     * "skipped") counts as over any bound.
     */
    static Step summarize(double targetRate, int seconds, List<String> lines) {
        long[] micros = new long[lines.size()];
        int n = 0;
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 7) {
                continue;
            }
            micros[n++] = "skipped".equals(f[2]) ? Long.MAX_VALUE / 2 : Long.parseLong(f[2]);
        }
        if (n == 0) {
            return new Step(targetRate, 0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = Arrays.copyOf(micros, n);
        Arrays.sort(sorted);
        return new Step(targetRate, n / (double) seconds, n, at(sorted, 50) / 1000.0, at(sorted, 99) / 1000.0, sorted[n - 1] / 1000.0);
    }

    private static long at(long[] sorted, double percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
