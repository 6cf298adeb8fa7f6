package dev.feed.relation.internal;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The service credential of the internal endpoints. */
@ConfigMapping(prefix = "feed.internal")
public interface InternalConfig {
    /**
     * Shared secret other services send as {@code X-Internal-Token} (FEED_INTERNAL_TOKEN). No default
     * outside the dev and test profiles (there: local-internal-token); without a usable one the service
     * refuses to start ({@link InternalTokenGuard}).
     */
    Optional<String> token();
}
