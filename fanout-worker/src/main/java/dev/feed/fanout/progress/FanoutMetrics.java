package dev.feed.fanout.progress;

import dev.feed.fanout.inbox.FanoutOp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The fanout's meters, as Prometheus shows them under /q/metrics (feed_fanout_*). Created at
 * startup so every series exists (at 0) before the first event: rate() and alerts need it.
 */
@Startup
@ApplicationScoped
public class FanoutMetrics {
    private final MeterRegistry registry;
    private final Counter deliveries;
    private final Counter removals;
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter pullTierSkips;
    private final DistributionSummary batchSize;
    private final Timer lag;

    public FanoutMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.deliveries = Counter.builder("feed.fanout.deliveries")
                .description("Post ids newly inserted into inboxes").register(registry);
        this.removals = Counter.builder("feed.fanout.removals")
                .description("Post ids removed from inboxes by unpush").register(registry);
        this.retries = Counter.builder("feed.fanout.retries")
                .description("Batch attempts after the first").register(registry);
        this.deadLetters = Counter.builder("feed.fanout.dead.letters")
                .description("Batch tasks sent to the dead-letter topic").register(registry);
        this.pullTierSkips = Counter.builder("feed.fanout.pull.tier.skips")
                .description("Post events of pull-tier authors, not pushed").register(registry);
        // A few fixed buckets instead of Micrometer's ~70 percentile buckets per series; the lag
        // buckets include the delivery goals (p99 under 1 s for 10k followers, under 5 s for 100k).
        this.batchSize = DistributionSummary.builder("feed.fanout.batch.size")
                .description("Followers per batch task")
                .serviceLevelObjectives(1, 10, 100, 250, 500, 1000, 2000, 5000)
                .register(registry);
        this.lag = Timer.builder("feed.fanout.lag")
                .description("From the post's createdAt to its last push batch done")
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5))
                .register(registry);
        for (FanoutOp op : FanoutOp.values()) {
            batches(op, "ok");
            batches(op, "dead_letter");
        }
    }

    public void delivered(int insertions) {
        deliveries.increment(insertions);
    }

    public void removed(int removed) {
        removals.increment(removed);
    }

    public void batchSize(int followers) {
        batchSize.record(followers);
    }

    /** @param result {@code ok} or {@code dead_letter} */
    public void batchDone(FanoutOp op, String result) {
        batches(op, result).increment();
    }

    private Counter batches(FanoutOp op, String result) {
        return Counter.builder("feed.fanout.batches").description("Batch tasks finished, by outcome")
                .tag("op", op.wire()).tag("result", result).register(registry);
    }

    public void retried() {
        retries.increment();
    }

    public void deadLettered() {
        deadLetters.increment();
    }

    public void pullTierSkipped() {
        pullTierSkips.increment();
    }

    public void lag(long millis) {
        lag.record(Duration.ofMillis(Math.max(0, millis)));
    }
}
