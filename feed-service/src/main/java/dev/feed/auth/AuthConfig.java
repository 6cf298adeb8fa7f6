package dev.feed.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "feed.auth")
public interface AuthConfig {
    /** Verified bearer tokens remembered per instance; 0 verifies every request (FEED_AUTH_TOKEN_CACHE_SIZE). Default: 20000. */
    @WithDefault("20000")
    long tokenCacheSize();

    /**
     * Longest time a verified token is reused without verifying it again, whatever its expiry; bounds
     * how long a rotated-out signing key keeps working on an instance (FEED_AUTH_TOKEN_CACHE_MAX_AGE). Default: PT5M.
     */
    @WithDefault("PT5M")
    Duration tokenCacheMaxAge();
}
