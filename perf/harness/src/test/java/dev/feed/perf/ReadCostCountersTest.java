package dev.feed.perf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counters the bench divides by requests to get a read's cost: process CPU, Redis round trips, and how a missing figure is written. */
class ReadCostCountersTest {
    private static final int REDIS_PORT = Integer.parseInt(System.getenv().getOrDefault("FEED_REDIS_PORT", "16379"));

    @Test
    void processCpuNanos_growsWhileTheProcessComputes() {
        long pid = ProcessHandle.current().pid();
        double before = Bench.processCpuNanos(pid);
        // Spin until this thread itself has used 300 ms of CPU (not of wall time: on a busy machine
        // 300 ms of wall time can hold far less CPU); the process used at least that, give or take
        // the 10 ms clock tick /proc counts in.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long threadStart = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - threadStart < 300_000_000L) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }

        assertThat(x).isNotNegative();
        assertThat(Bench.processCpuNanos(pid) - before).isGreaterThanOrEqualTo(280_000_000.0);
    }

    @Test
    void readsProcessed_countsAPipelineOnce_whereCommandstatsCountsEachCommand() {
        RedisStats stats = new RedisStats(REDIS_PORT);
        try (Resp redis = new Resp("127.0.0.1", REDIS_PORT)) {
            redis.call("DEL", "bench:test:roundtrips");
            long reads0 = stats.readsProcessed();
            long zadds0 = stats.commandCalls().getOrDefault("zadd", 0L);
            for (int i = 0; i < 50; i++) {
                redis.queue("ZADD", "bench:test:roundtrips", i, "m" + i);
            }
            redis.flush();
            long zadds = stats.commandCalls().getOrDefault("zadd", 0L) - zadds0;
            long reads = stats.readsProcessed() - reads0;
            redis.call("DEL", "bench:test:roundtrips");

            // 50 pipelined commands: 50 calls in commandstats, a handful of socket reads (the pipeline,
            // plus the INFO connections of RedisStats itself; other clients of this Redis may add some).
            assertThat(zadds).isEqualTo(50);
            assertThat(reads).isPositive().isLessThan(25);
        }
    }

    @Test
    void notMeasured_writesTheMetricWithANullValueAndWhy(@TempDir Path dir) throws Exception {
        Report report = new Report(dir);
        report.notMeasured("headline", "delivery p99, 1M followers 20 % active", "ms", "needs a 1M-follower seed");
        report.figure("headline", "timeline over floor", 1000, "req/s", "floor", 4000.0, null);
        report.write();

        Path json;
        try (var files = Files.list(dir)) {
            json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        JsonNode figures = new ObjectMapper().readTree(json.toFile()).get("figures");
        assertThat(figures.get(0).get("metric").asText()).isEqualTo("delivery p99, 1M followers 20 % active");
        assertThat(figures.get(0).get("value").isNull()).isTrue();
        assertThat(figures.get(0).get("note").asText()).startsWith("not measured: ");
        assertThat(figures.get(1).get("ratio").asDouble()).isEqualTo(0.25);
    }
}
