package dev.feed.post;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "feed.location")
public interface LocationConfig {
    /**
     * Scheme, host and any path prefix clients reach this API at, e.g. https://api.example.com; the
     * {@code Location} of a new post is this plus /v1/posts/{id}. Empty: a relative Location. Never
     * taken from the request's Host header, which the client chooses (FEED_PUBLIC_URL). Default: empty.
     */
    Optional<String> publicUrl();
}
