package dev.feed.timeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.timeline")
public interface TimelineConfig {
    /** How long a reader's followee lists are reused when no relation event invalidates them first; bounds how long an unfollowed author stays visible if feed.relations is unavailable (FEED_TIMELINE_FOLLOWEES_TTL). Default: PT30S. */
    @WithDefault("PT30S")
    Duration followeesTtl();

    /**
     * Bounded staleness of a degraded read (FEED_TIMELINE_FOLLOWEES_STALE_FOR): while relation-service
     * is unreachable, a reader's last known followee lists (and hidden authors) are served if fetched
     * at most this long ago, the page marked {@code "degraded": true}; older or none: 503. Default: PT15M.
     */
    @WithDefault("PT15M")
    Duration followeesStaleFor();

    /**
     * Timeline reads answered from Cassandra at once while Redis is down (FEED_TIMELINE_DEGRADED_CONCURRENCY):
     * the bulkhead that keeps the fallback from becoming an avalanche onto Cassandra; a read beyond it
     * waits in a queue of the same size, beyond that it gets 503 with Retry-After. Default: 8.
     */
    @WithDefault("8")
    int degradedConcurrency();

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

    /**
     * Partitions one Cassandra statement reads when a page continues past the Redis window (an IN
     * list over followees' month partitions): a page costs about 2 x followees / this per month it
     * reaches into (FEED_TIMELINE_ARCHIVE_FAN_IN). Default: 100.
     */
    @WithDefault("100")
    int archiveFanIn();

    /**
     * How a page past the Redis window, and a read of cold outboxes (an inbox rebuild after Redis
     * lost them), read Cassandra: {@code merge} (month by month, at most archive-fan-in partitions
     * per statement) or {@code per-author} (one walk per followee: the earlier strategy, kept as
     * the benchmark's baseline)
     * (FEED_TIMELINE_ARCHIVE_STRATEGY). Default: merge.
     */
    @WithDefault("merge")
    ArchiveStrategy archiveStrategy();

    enum ArchiveStrategy { MERGE, PER_AUTHOR }

    /**
     * Refs an inbox rebuild first reads per push-tier followee; only followees whose newest refs
     * all rank in the rebuilt inbox are read further, doubling each round, so the merged top
     * (the inbox cap) stays exact. The inbox cap reproduces the earlier "cap per followee" load
     * (FEED_TIMELINE_REBUILD_FIRST_LOAD). Default: 16.
     */
    @WithDefault("16")
    int rebuildFirstLoad();

    /** Followees per pipelined Redis batch of an inbox rebuild (FEED_TIMELINE_REBUILD_BATCH). Default: 500. */
    @WithDefault("500")
    int rebuildBatch();
}
