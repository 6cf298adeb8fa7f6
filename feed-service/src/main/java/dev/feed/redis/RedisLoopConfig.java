package dev.feed.redis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How feed-service spreads its Redis connections over the Vert.x event loops, and how long it waits for Redis. */
@ConfigMapping(prefix = "feed.redis")
public interface RedisLoopConfig {
    /**
     * One Redis client per event loop, each request served by its own loop's client
     * (FEED_REDIS_PER_EVENT_LOOP; false = one client for all loops). Default: true.
     */
    @WithDefault("true")
    boolean perEventLoop();

    /**
     * Deadline of every Redis call (FEED_REDIS_TIMEOUT): past it the call fails as Redis unavailable
     * and a timeline read is answered from Cassandra, marked degraded. A healthy local Redis answers
     * a page's pipeline in about a millisecond; 1 s leaves room for GC pauses on a busy host. Default: PT1S.
     */
    @WithDefault("PT1S")
    java.time.Duration timeout();
}
