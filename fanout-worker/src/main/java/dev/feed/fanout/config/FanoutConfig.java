package dev.feed.fanout.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "feed.fanout")
public interface FanoutConfig {
    /** Run the Kafka consumers (FEED_FANOUT_ENABLED); false leaves only health, metrics and admin. Default: true. */
    @WithDefault("true")
    boolean enabled();

    /** Followers per batch task, also the follower page asked of relation-service (FEED_FANOUT_BATCH_SIZE). Default: 1000. */
    @WithDefault("1000")
    @Min(1)
    @Max(5000)
    int batchSize();

    /** Attempts per batch task, post event or relation event before its dead-letter topic (FEED_FANOUT_MAX_ATTEMPTS). Default: 5. */
    @WithDefault("5")
    @Min(1)
    int maxAttempts();

    /** First retry delay, doubled on each further attempt (FEED_FANOUT_BACKOFF). Default: PT0.2S. */
    @WithDefault("PT0.2S")
    Duration backoff();

    /** Cap on the retry delay (FEED_FANOUT_MAX_BACKOFF). Default: PT10S. */
    @WithDefault("PT10S")
    Duration maxBackoff();

    /** Batch tasks taken per poll and worked on concurrently (FEED_FANOUT_CONCURRENCY). Default: 16. */
    @WithDefault("16")
    @Min(1)
    int concurrency();

    /** Post events taken per poll by the dispatcher; different authors run concurrently (FEED_FANOUT_DISPATCH_CONCURRENCY). Default: 8. */
    @WithDefault("8")
    @Min(1)
    int dispatchConcurrency();

    /** Prefix of the consumer group ids fanout-dispatcher, fanout-batch, fanout-relations (FEED_FANOUT_GROUP_PREFIX). Default: none. */
    Optional<String> groupPrefix();

    /** How long the per-post progress hash is kept (FEED_FANOUT_PROGRESS_TTL). Default: P1D. */
    @WithDefault("P1D")
    Duration progressTtl();
}
