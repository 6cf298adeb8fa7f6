package dev.feed.post;

/** Body of {@code POST /v1/posts}. Validated in the resource (code points, not chars). */
public record PublishRequest(String text) {
}
