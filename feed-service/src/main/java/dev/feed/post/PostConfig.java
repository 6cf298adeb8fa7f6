package dev.feed.post;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.post")
public interface PostConfig {
    /**
     * Redis keys the recent tombstones are spread over. Every hydration reads each shard its ids
     * fall in, so one is cheapest on a single Redis; on Redis Cluster a few shards spread that read
     * load over nodes (FEED_POST_TOMBSTONE_SHARDS). Default: 1.
     */
    @WithDefault("1")
    int tombstoneShards();
}
