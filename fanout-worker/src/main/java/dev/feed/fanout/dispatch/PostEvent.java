package dev.feed.fanout.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code post.published.v1} and {@code post.deleted.v1} on {@code feed.posts} (same fields). */
public record PostEvent(String eventId, String type, int version, String occurredAt, String postId, String authorId,
                        long createdAtMillis) {
    public static final String PUBLISHED = "post.published";
    public static final String DELETED = "post.deleted";

    public static PostEvent parse(ObjectMapper json, String value) {
        PostEvent event;
        try {
            event = json.readValue(value, PostEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a post event: " + e.getOriginalMessage(), e);
        }
        if (event.type() == null || event.postId() == null || event.authorId() == null) {
            throw new IllegalArgumentException("post event without type, postId or authorId");
        }
        event.postIdLong();
        event.authorIdLong();
        return event;
    }

    public long postIdLong() {
        return Long.parseLong(postId);
    }

    public long authorIdLong() {
        return Long.parseLong(authorId);
    }
}
