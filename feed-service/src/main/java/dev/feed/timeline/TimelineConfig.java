package dev.feed.timeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.timeline")
public interface TimelineConfig {
    /** How long a reader's followee lists are reused when no relation event invalidates them first; bounds how long an unfollowed author stays visible if feed.relations is unavailable (FEED_TIMELINE_FOLLOWEES_TTL). Default: PT30S. */
    @WithDefault("PT30S")
    Duration followeesTtl();

    /** Topic of relation events whose follow/unfollow invalidates cached followee lists (FEED_TIMELINE_RELATIONS_TOPIC). Default: feed.relations. */
    @WithDefault("feed.relations")
    String relationsTopic();

    /** Listen to relation events to invalidate followee lists at once (FEED_TIMELINE_FOLLOWEE_EVENTS). Default: true. */
    @WithDefault("true")
    boolean followeeEvents();

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
