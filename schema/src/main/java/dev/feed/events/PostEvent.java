package dev.feed.events;

/**
 * {@code post.published.v1} and {@code post.deleted.v1} on {@code feed.posts}, keyed by author
 * (schema/events; same fields). Written by feed-service, read by fanout-worker's dispatcher and
 * every feed-service instance's hot-cache.
 */
public record PostEvent(String eventId, String type, int version, String occurredAt, String postId, String authorId,
        long createdAtMillis) {
    public static final String PUBLISHED = "post.published";
    public static final String DELETED = "post.deleted";

    public static PostEvent of(String type, long postId, long authorId, long createdAtMillis) {
        return new PostEvent(Envelope.newId(), type, Envelope.VERSION, Envelope.now(), Long.toString(postId),
                Long.toString(authorId), createdAtMillis);
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
