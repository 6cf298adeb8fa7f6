package dev.feed.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellTest {
    @Test
    void redisBenchmarkRps_readsTheRateColumn() {
        String csv = """
                "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                "ZREVRANGEBYSCORE bench +inf -inf LIMIT 0 20","41152.26","1.151","0.192","1.103","1.559","2.039","6.831"
                """;
        assertThat(Shell.redisBenchmarkRps(csv)).isEqualTo(41152.26);
    }
}
