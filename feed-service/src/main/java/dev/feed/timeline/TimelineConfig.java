package dev.feed.timeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.timeline")
public interface TimelineConfig {
    /** How long a reader's followee lists are reused; bounds how long an unfollowed author stays visible (FEED_TIMELINE_FOLLOWEES_TTL). Default: PT3S. */
    @WithDefault("PT3S")
    Duration followeesTtl();

    /** Lease of the per-reader rebuild lock; a crashed rebuilder frees it after this (FEED_TIMELINE_REBUILD_LOCK_TTL). Default: PT15S. */
    @WithDefault("PT15S")
    Duration rebuildLockTtl();

    /** How long a read waits for another instance's rebuild before rebuilding itself (FEED_TIMELINE_REBUILD_WAIT). Default: PT5S. */
    @WithDefault("PT5S")
    Duration rebuildWait();

    /** Extra candidates fetched per page so dropped (deleted, unfollowed) posts rarely need a second round (FEED_TIMELINE_SLACK). Default: 10. */
    @WithDefault("10")
    int slack();

    /** Concurrent Cassandra reads when a page continues past the Redis window (FEED_TIMELINE_ARCHIVE_CONCURRENCY). Default: 32. */
    @WithDefault("32")
    int archiveConcurrency();
}
