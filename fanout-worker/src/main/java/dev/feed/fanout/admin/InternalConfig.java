package dev.feed.fanout.admin;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The shared service token: sent to relation-service's internal API, required by this worker's /admin/. */
@ConfigMapping(prefix = "feed.internal")
public interface InternalConfig {
    /**
     * {@code X-Internal-Token} (FEED_INTERNAL_TOKEN), the same value in every service. No default
     * outside the dev and test profiles (there: local-internal-token); without a usable one the worker
     * refuses to start ({@link InternalTokenGuard}).
     */
    Optional<String> token();
}
