package dev.feed.redis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How feed-service spreads its Redis connections over the Vert.x event loops. */
@ConfigMapping(prefix = "feed.redis")
public interface RedisLoopConfig {
    /**
     * One Redis client per event loop, each request served by its own loop's client
     * (FEED_REDIS_PER_EVENT_LOOP; false = one client for all loops). Default: true.
     */
    @WithDefault("true")
    boolean perEventLoop();
}
