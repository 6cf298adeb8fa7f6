package dev.feed.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.outbox")
public interface OutboxConfig {
    /** Entries kept in each author's Redis outbox (FEED_OUTBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();
}
