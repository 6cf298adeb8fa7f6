package dev.feed.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoadTest {
    @Test
    void run_issuesTheScheduledNumberOfRequests_andCountsErrors() {
        AtomicInteger calls = new AtomicInteger();
        OpenLoad.Result r = OpenLoad.run("t", 200, Duration.ofMillis(500), 16, () -> {
            int n = calls.incrementAndGet();
            return CompletableFuture.completedFuture(n % 10 != 0 ? 200 : 503);
        });
        assertThat(r.requests()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(10);
        assertThat(r.errorKinds()).containsExactly(java.util.Map.entry("HTTP 503", 10L));
    }

    @Test
    void run_generatorStalledBySlowSends_showsInTheSendLag_notOnlyInLatency() {
        // Each send blocks the generator thread for 20 ms (as signing a token on it would), at a
        // 5 ms interval: requests leave later and later, and the send lag says so.
        OpenLoad.Result r = OpenLoad.run("slow sender", 200, Duration.ofMillis(300), 16, () -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(200);
        });
        assertThat(r.sendLagP99()).isGreaterThan(100);
        assertThat(r.p(99)).isGreaterThan(100);
    }

    @Test
    void run_serverStall_isChargedToEveryRequestThatWasDueDuringIt() {
        // One in-flight slot and a 200 ms stall on the first request: the requests due during
        // the stall could not be sent, and corrected latency must show their wait.
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger calls = new AtomicInteger();
            OpenLoad.Result r = OpenLoad.run("stall", 100, Duration.ofMillis(500), 1, () -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                long delay = calls.getAndIncrement() == 0 ? 200 : 0;
                timer.schedule(() -> f.complete(200), delay, TimeUnit.MILLISECONDS);
                return f;
            });
            // 50 requests: ~19 were due during the stall and waited for the single slot.
            assertThat(r.p(70)).as("requests due during the stall are charged their wait").isGreaterThan(20);
            assertThat(r.p(40)).as("requests due after the stall are fast").isLessThan(20);
            assertThat(r.histogram().getMaxValue() / 1000.0).isGreaterThanOrEqualTo(190);
        } finally {
            timer.shutdownNow();
        }
    }
}
