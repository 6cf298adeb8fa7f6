package dev.feed.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs a baseline tool (redis-benchmark, pgbench, psql) and returns its output. */
public final class Shell {
    private Shell() {
    }

    public static String run(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + rc + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True if {@code name} is an executable on the PATH. */
    public static boolean which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** requests/s from {@code redis-benchmark --csv} output (first data row, second column). */
    public static double redisBenchmarkRps(String csv) {
        for (String line : csv.split("\n")) {
            String[] cols = line.replace("\"", "").split(",");
            if (cols.length >= 2 && !cols[0].equals("test")) {
                try {
                    return Double.parseDouble(cols[1]);
                } catch (NumberFormatException ignored) {
                    // header or progress line
                }
            }
        }
        throw new IllegalStateException("no rate in redis-benchmark output: " + csv);
    }
}
