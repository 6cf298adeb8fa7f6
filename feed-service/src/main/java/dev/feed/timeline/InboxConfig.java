package dev.feed.timeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The reader side of the inbox contract shared with fanout-worker (same keys, same defaults). */
@ConfigMapping(prefix = "feed.inbox")
public interface InboxConfig {
    /** How long an unread inbox stays active; timeline reads refresh it (FEED_INBOX_TTL). Default: P7D. */
    @WithDefault("P7D")
    Duration ttl();

    /**
     * A reader's TTL is refreshed by their first read and then at most once per this interval per
     * instance, not by every page (FEED_INBOX_REFRESH_INTERVAL; 0 = every read). Default: PT1M.
     */
    @WithDefault("PT1M")
    Duration refreshInterval();

    /** Entries kept per inbox; fanout trims to it (FEED_INBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();
}
