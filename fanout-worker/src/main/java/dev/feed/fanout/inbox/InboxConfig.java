package dev.feed.fanout.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.inbox")
public interface InboxConfig {
    /** Entries kept per inbox after each push (FEED_INBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();

    /** Idle time after which an inbox expires and its reader counts as inactive (FEED_INBOX_TTL). Default: 7 days. */
    @WithDefault("P7D")
    Duration ttl();
}
