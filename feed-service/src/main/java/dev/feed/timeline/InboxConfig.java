package dev.feed.timeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The reader side of the inbox contract shared with fanout-worker (same keys, same defaults). */
@ConfigMapping(prefix = "feed.inbox")
public interface InboxConfig {
    /** How long an unread inbox stays active; every timeline read refreshes it (FEED_INBOX_TTL). Default: P7D. */
    @WithDefault("P7D")
    Duration ttl();

    /** Entries kept per inbox; fanout trims to it (FEED_INBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();
}
