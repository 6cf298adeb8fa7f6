package dev.feed.relation.follow;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.follow")
public interface FollowConfig {
    /**
     * Accounts one user may follow (Mastodon's cap): a follow beyond it is a 409 follow-limit
     * problem. It bounds every per-reader list the timeline reads (followees, a rebuild's
     * outboxes, a page past the Redis window) (FEED_FOLLOW_MAX). Default: 7500.
     */
    @WithDefault("7500")
    int max();
}
