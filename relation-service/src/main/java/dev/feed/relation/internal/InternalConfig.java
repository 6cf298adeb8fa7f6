package dev.feed.relation.internal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The service credential of the internal endpoints. */
@ConfigMapping(prefix = "feed.internal")
public interface InternalConfig {
    /** Shared secret other services send as {@code X-Internal-Token} (FEED_INTERNAL_TOKEN). Default: local-internal-token. */
    @WithDefault("local-internal-token")
    String token();
}
