package dev.feed.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.outbox")
public interface OutboxConfig {
    /** Entries kept in each author's Redis outbox (FEED_OUTBOX_MAX_ENTRIES). Default: 800. */
    @WithDefault("800")
    int maxEntries();

    /**
     * Lifetime of an outbox rebuilt from Cassandra by a read (an author with no outbox key: never
     * posted, or Redis lost it); a later read past it goes to Cassandra once more (FEED_OUTBOX_WARM_TTL). Default: P1D.
     */
    @WithDefault("P1D")
    java.time.Duration warmTtl();
}
