package dev.feed.relation.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The limits of the graph's write endpoints. Each family has a bucket per user and one per client
 * address; a full bucket is the period's allowance and refills evenly over the period. Why these
 * numbers: the README's "Rate limits" section.
 */
@ConfigMapping(prefix = "feed.rate-limit")
public interface RateLimitConfig {
    /** Follows and unfollows per user per period (FEED_RATE_LIMIT_FOLLOWS_PER_USER). Default: 100. */
    @WithDefault("100")
    int followsPerUser();

    /** Follows and unfollows per client address per period (FEED_RATE_LIMIT_FOLLOWS_PER_ADDRESS). Default: 1000. */
    @WithDefault("1000")
    int followsPerAddress();

    /** The period of the follow limits (FEED_RATE_LIMIT_FOLLOWS_PERIOD). Default: 1 h. */
    @WithDefault("PT1H")
    Duration followsPeriod();

    /** Blocks, unblocks, mutes and unmutes per user per period (FEED_RATE_LIMIT_SAFETY_PER_USER). Default: 100. */
    @WithDefault("100")
    int safetyPerUser();

    /** Blocks, unblocks, mutes and unmutes per client address per period (FEED_RATE_LIMIT_SAFETY_PER_ADDRESS). Default: 1000. */
    @WithDefault("1000")
    int safetyPerAddress();

    /** The period of the block/mute limits (FEED_RATE_LIMIT_SAFETY_PERIOD). Default: 1 h. */
    @WithDefault("PT1H")
    Duration safetyPeriod();

    /** Profile creations and updates per user per period (FEED_RATE_LIMIT_PROFILE_PER_USER). Default: 30. */
    @WithDefault("30")
    int profilePerUser();

    /** Profile creations and updates per client address per period (FEED_RATE_LIMIT_PROFILE_PER_ADDRESS). Default: 300. */
    @WithDefault("300")
    int profilePerAddress();

    /** The period of the profile limits (FEED_RATE_LIMIT_PROFILE_PERIOD). Default: 1 h. */
    @WithDefault("PT1H")
    Duration profilePeriod();

    /** How long a limit check waits for Redis before letting the request through uncounted (FEED_RATE_LIMIT_TIMEOUT). Default: 250 ms. */
    @WithDefault("PT0.25S")
    Duration timeout();
}
