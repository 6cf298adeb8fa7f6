package dev.feed.fanout.inbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.inbox")
public interface InboxConfig {
    /** Entries kept per inbox after each push (FEED_INBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();

    /**
     * Inboxes written by one script call in a push (FEED_INBOX_KEYS_PER_CALL); in Redis Cluster only
     * keys of one hash slot are grouped, so this is safe in both modes. 1: one key per call. Default: 100.
     */
    @WithDefault("100")
    int keysPerCall();

    /** Idle time after which an inbox expires and its reader counts as inactive (FEED_INBOX_TTL). Default: 7 days. */
    @WithDefault("P7D")
    Duration ttl();
}
