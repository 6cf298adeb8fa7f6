package dev.feed.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code post.published.v1} and {@code post.deleted.v1} on {@code feed.posts}, keyed by author
 * (schema/events; same fields). Written by feed-service, read by fanout-worker's dispatcher and
 * every feed-service instance's hot-cache. {@code repostOf} (absent for an ordinary post) names the
 * original of a repost: an optional field added to v1, so readers ignore fields they do not know.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PostEvent(String eventId, String type, int version, String occurredAt, String postId, String authorId,
        long createdAtMillis, String repostOf) {
    public static final String PUBLISHED = "post.published";
    public static final String DELETED = "post.deleted";

    public static PostEvent of(String type, long postId, long authorId, long createdAtMillis) {
        return of(type, postId, authorId, createdAtMillis, null);
    }

    /** @param repostOf the original's id for a repost, null for an ordinary post */
    public static PostEvent of(String type, long postId, long authorId, long createdAtMillis, Long repostOf) {
        return new PostEvent(Envelope.newId(), type, Envelope.VERSION, Envelope.now(), Long.toString(postId),
                Long.toString(authorId), createdAtMillis, repostOf == null ? null : Long.toString(repostOf));
    }

    /** The event as read off the topic, or an {@link IllegalArgumentException} saying what is missing. */
    public PostEvent requireValid() {
        if (type == null) {
            throw new IllegalArgumentException("post event without type");
        }
        postIdLong();
        authorIdLong();
        return this;
    }

    public long postIdLong() {
        return Envelope.id("postId", postId);
    }

    public long authorIdLong() {
        return Envelope.id("authorId", authorId);
    }
}
