package dev.feed.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The limits of the endpoint families. Each family has a bucket per user and one per client
 * address; a full bucket is the period's allowance and refills evenly over the period (publish
 * per user: a burst and a rate per minute, its long-standing form). Why these numbers: the
 * README's "Rate limits" section.
 */
@ConfigMapping(prefix = "feed.rate-limit")
public interface RateLimitConfig {
    /** Posts (and reposts) a user may publish in a burst (FEED_PUBLISH_RATE_BURST). Default: 30. */
    @WithDefault("30")
    int publishBurst();

    /** Sustained posts per minute per user, the bucket's refill (FEED_PUBLISH_RATE_PER_MINUTE). Default: 60. */
    @WithDefault("60")
    int publishPerMinute();

    /** Publishes (posts and reposts) per client address per period (FEED_RATE_LIMIT_PUBLISH_PER_ADDRESS). Default: 300. */
    @WithDefault("300")
    int publishPerAddress();

    /** The period of the per-address publish limit (FEED_RATE_LIMIT_PUBLISH_PERIOD). Default: 30 s (300 at once, 600 a minute). */
    @WithDefault("PT30S")
    Duration publishPeriod();

    /** Timeline reads (home timeline, its since/ETag forms, one author's posts) per user per period (FEED_RATE_LIMIT_TIMELINE_PER_USER). Default: 300. */
    @WithDefault("300")
    int timelinePerUser();

    /** Timeline reads per client address per period (FEED_RATE_LIMIT_TIMELINE_PER_ADDRESS). Default: 3000. */
    @WithDefault("3000")
    int timelinePerAddress();

    /** The period of the timeline limits (FEED_RATE_LIMIT_TIMELINE_PERIOD). Default: 5 min. */
    @WithDefault("PT5M")
    Duration timelinePeriod();

    /** Post deletes (and unreposts) per user per period (FEED_RATE_LIMIT_DELETES_PER_USER). Default: 30. */
    @WithDefault("30")
    int deletesPerUser();

    /** Post deletes per client address per period (FEED_RATE_LIMIT_DELETES_PER_ADDRESS). Default: 300. */
    @WithDefault("300")
    int deletesPerAddress();

    /** The period of the delete limits (FEED_RATE_LIMIT_DELETES_PERIOD). Default: 30 min. */
    @WithDefault("PT30M")
    Duration deletesPeriod();

    /** How long a limit check waits for Redis before letting the request through uncounted (FEED_RATE_LIMIT_TIMEOUT). Default: 250 ms. */
    @WithDefault("PT0.25S")
    Duration timeout();
}
