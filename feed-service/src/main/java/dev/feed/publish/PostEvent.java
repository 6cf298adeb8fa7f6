package dev.feed.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.feed.post.Post;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code post.published.v1} / {@code post.deleted.v1} on {@code feed.posts}, keyed by author (schema/events).
 * {@code repostOf} (absent for an ordinary post) names the original of a repost: an optional field
 * added to v1 (consumers that do not know it ignore it; fanout-worker pushes a repost like any post).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostEvent(String eventId, String type, int version, String occurredAt, String postId, String authorId,
        long createdAtMillis, String repostOf) {
    public static final String PUBLISHED = "post.published";
    public static final String DELETED = "post.deleted";

    public static PostEvent of(String type, Post post) {
        return new PostEvent(UUID.randomUUID().toString(), type, 1, Instant.now().toString(), Long.toString(post.id()),
                Long.toString(post.authorId()), post.createdAtMillis(), post.isRepost() ? Long.toString(post.repostOf()) : null);
    }
}
