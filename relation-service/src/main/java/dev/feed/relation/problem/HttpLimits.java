package dev.feed.relation.problem;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Request sizes this service answers with a problem document. The HTTP layer's own limits
 * (quarkus.http.limits.max-initial-line-length, max-header-size) are set higher, so that a
 * request between the two gets a 414/431 problem instead of the HTTP layer's empty answer.
 */
@ConfigMapping(prefix = "feed.http")
public interface HttpLimits {
    /** Longest request target (path and query) in characters (FEED_HTTP_MAX_URI_LENGTH). Default: 4096. */
    @WithDefault("4096")
    int maxUriLength();

    /** Largest total of the request headers, names and values, in bytes (FEED_HTTP_MAX_HEADER_BYTES). Default: 16384. */
    @WithDefault("16384")
    int maxHeaderBytes();
}
