package dev.feed.fanout.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.topics")
public interface TopicsConfig {
    /** Post events from feed-service, key authorId (FEED_TOPICS_POSTS). Default: feed.posts. */
    @WithDefault("feed.posts")
    String posts();

    /** Batch tasks, key postId:batchIndex (FEED_TOPICS_FANOUT_BATCHES). Default: feed.fanout-batches. */
    @WithDefault("feed.fanout-batches")
    String fanoutBatches();

    /** Batch tasks that failed every attempt (FEED_TOPICS_FANOUT_DLQ). Default: feed.fanout-dlq. */
    @WithDefault("feed.fanout-dlq")
    String fanoutDlq();

    /** Post events that failed every attempt for a non-transient reason (FEED_TOPICS_POSTS_DLQ). Default: feed.posts-dlq. */
    @WithDefault("feed.posts-dlq")
    String postsDlq();

    /** Relation events that failed every attempt for a non-transient reason (FEED_TOPICS_RELATIONS_DLQ). Default: feed.relations-dlq. */
    @WithDefault("feed.relations-dlq")
    String relationsDlq();

    /** Follow, unfollow and tier events from relation-service (FEED_TOPICS_RELATIONS). Default: feed.relations. */
    @WithDefault("feed.relations")
    String relations();

    /** Hot-cache change broadcasts to feed-service (FEED_TOPICS_HOTCACHE_CHANGES). Default: feed.hotcache-changes. */
    @WithDefault("feed.hotcache-changes")
    String hotcacheChanges();

    /** Create missing topics at startup (FEED_TOPICS_CREATE). Default: true. */
    @WithDefault("true")
    boolean create();

    /** Partitions of the batch topic, the unit of batch-worker parallelism (FEED_TOPICS_BATCH_PARTITIONS). Default: 8. */
    @WithDefault("8")
    int batchPartitions();

    /** Partitions of every other topic (FEED_TOPICS_PARTITIONS). Default: 4. */
    @WithDefault("4")
    int partitions();

    /** Replication factor of created topics (FEED_TOPICS_REPLICATION). Default: 1. */
    @WithDefault("1")
    short replication();
}
