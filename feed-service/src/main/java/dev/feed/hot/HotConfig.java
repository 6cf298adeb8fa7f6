package dev.feed.hot;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.hot")
public interface HotConfig {
    /**
     * Serve pull-tier and frequently read authors from resident memory; off, every such lookup
     * reads the author's outbox in Redis (for the benchmark's cache-off baseline) (FEED_HOT_ENABLED). Default: true.
     */
    @WithDefault("true")
    boolean enabled();

    /** K, the newest post refs kept resident per hot author (FEED_HOT_MAX_REFS_PER_AUTHOR). Default: 100. */
    @WithDefault("100")
    int maxRefsPerAuthor();

    /** Cap on authors made resident by read frequency; pull-tier authors are not counted (FEED_HOT_MAX_FREQUENT_AUTHORS). Default: 1000. */
    @WithDefault("1000")
    int maxFrequentAuthors();

    /** Estimated reads per aging period at which an author becomes resident (FEED_HOT_FREQUENT_READ_THRESHOLD). Default: 64. */
    @WithDefault("64")
    int frequentReadThreshold();

    /** How often read counts are halved and cold frequent authors dropped (FEED_HOT_AGING_PERIOD). Default: PT1M. */
    @WithDefault("PT1M")
    Duration agingPeriod();

    /** Interval of the patrol that verifies every resident author's checksums (FEED_HOT_PATROL_INTERVAL). Default: PT30S. */
    @WithDefault("PT30S")
    Duration patrolInterval();

    /** Wait after a change before verifying it, so every instance has had time to rebuild (FEED_HOT_VERIFY_DELAY). Default: PT2S. */
    @WithDefault("PT2S")
    Duration verifyDelay();

    /**
     * Instance checksums not rewritten for this long are ignored: each patrol rewrites its own, so an
     * older one belongs to an instance that is gone (FEED_HOT_CHECKSUM_MAX_AGE). Default: PT2M.
     */
    @WithDefault("PT2M")
    Duration checksumMaxAge();

    /** Topic of post.published / post.deleted events (FEED_HOT_POSTS_TOPIC). Default: feed.posts. */
    @WithDefault("feed.posts")
    String postsTopic();

    /** Topic of hotcache.changed events: repairs and tier changes (FEED_HOT_CHANGES_TOPIC). Default: feed.hotcache-changes. */
    @WithDefault("feed.hotcache-changes")
    String changesTopic();

    /** Consume change broadcasts; off only for tools that must not join the broadcast (FEED_HOT_CONSUMER_ENABLED). Default: true. */
    @WithDefault("true")
    boolean consumerEnabled();
}
