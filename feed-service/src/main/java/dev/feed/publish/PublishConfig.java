package dev.feed.publish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.publish")
public interface PublishConfig {
    /** Snowflake worker id of this instance, 0..1023, unique per running instance (FEED_WORKER_ID). Default: 0. */
    @WithDefault("0")
    int workerId();

    /** Kafka topic of post events (FEED_TOPIC_POSTS). Default: feed.posts. */
    @WithDefault("feed.posts")
    String topic();

    /** Shards of the pending-fanout table; the relay scans each (FEED_PENDING_SHARDS). Default: 16. */
    @WithDefault("16")
    int pendingShards();

    /** How often the relay re-dispatches pending fanouts (FEED_RELAY_INTERVAL). Default: 5s. */
    @WithDefault("PT5S")
    Duration relayInterval();

    /** How long a publish waits for its Kafka dispatch before answering anyway (FEED_PUBLISH_DISPATCH_TIMEOUT). Default: 1s. */
    @WithDefault("PT1S")
    Duration dispatchTimeout();

    /** A pending fanout younger than this is left to the request that created it (FEED_RELAY_GRACE). Default: 10s. */
    @WithDefault("PT10S")
    Duration relayGrace();

    /**
     * Reposts a delete of their original handles per batch: one Cassandra read, one pipelined Redis
     * round trip and this many tombstone writes and events in flight, batch after batch
     * (FEED_PUBLISH_REPOST_DELETE_BATCH). Default: 100.
     */
    @WithDefault("100")
    int repostDeleteBatch();
}
