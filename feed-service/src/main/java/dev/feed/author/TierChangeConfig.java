package dev.feed.author;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.tier-change")
public interface TierChangeConfig {
    /**
     * How long reads keep pulling an author that left the pull tier at most, waiting for
     * fanout-worker's merge of its pull-period posts into live inboxes; the merge's end (its
     * hot-cache "tier" broadcast) stops it sooner (FEED_TIER_CHANGE_PULL_FOR). Default: PT10M.
     */
    @WithDefault("PT10M")
    Duration pullFor();
}
