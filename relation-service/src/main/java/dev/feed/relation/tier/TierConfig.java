package dev.feed.relation.tier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Author tier thresholds, with hysteresis: an author enters the pull tier at {@code pull-at}
 * followers and returns to push only below {@code push-below}, so an author near the line does
 * not flap. The same two variables configure every service that reads tiers.
 */
@ConfigMapping(prefix = "feed.tier")
public interface TierConfig {
    /** Followers at which an author enters the pull tier (FEED_TIER_PULL_AT). Default: 10000. */
    @WithDefault("10000")
    long pullAt();

    /** An author in the pull tier returns to push below this many followers (FEED_TIER_PUSH_BELOW). Default: 8000. */
    @WithDefault("8000")
    long pushBelow();

    /**
     * Re-evaluate every author's tier against these thresholds once at startup, in the background
     * (FEED_TIER_REEVALUATE). Set it for the restart that changes the thresholds: otherwise an
     * author only moves when its follower count next changes. Default: false.
     */
    @WithDefault("false")
    boolean reevaluate();

    /** Users read, and at most locked, per re-evaluation transaction (FEED_TIER_REEVALUATE_BATCH_SIZE). Default: 1000. */
    @WithDefault("1000")
    int reevaluateBatchSize();
}
