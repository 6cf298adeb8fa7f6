package dev.feed.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The pending-fanout relay's bounds (see {@link PendingFanoutRelay}). Its interval and grace stay
 * in {@link PublishConfig} ({@code FEED_RELAY_INTERVAL}, {@code FEED_RELAY_GRACE}).
 */
@ConfigMapping(prefix = "feed.pending-relay")
public interface RelayConfig {
    /**
     * Pending records one relay pass dispatches at most, over all shards (FEED_PENDING_RELAY_MAX_PER_PASS).
     * Default: 5000. A larger backlog drains over several passes.
     */
    @WithDefault("5000")
    int maxPerPass();

    /**
     * Buckets (10 s each) one pass reads at most per shard (FEED_PENDING_RELAY_MAX_BUCKETS). Default: 60
     * (ten minutes of backlog per shard per pass). Must exceed the late window's buckets, or the relay
     * never gets past its late window.
     */
    @WithDefault("60")
    int maxBuckets();

    /**
     * How far the durable checkpoint trails the newest bucket the relay has read (FEED_PENDING_RELAY_LATE_WINDOW).
     * Default: 1 minute. A record whose write time is behind the relay's clock by up to this plus
     * {@code FEED_RELAY_GRACE} (clock skew between instances, a write or batchlog replay landing late)
     * is still relayed; see {@link PendingFanoutRelay}.
     */
    @WithDefault("PT1M")
    Duration lateWindow();

    /** Dispatches of one bucket in flight at once (FEED_PENDING_RELAY_CONCURRENCY). Default: 16. */
    @WithDefault("16")
    int concurrency();
}
