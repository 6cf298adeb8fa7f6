package dev.feed.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;

/**
 * A post published or deleted, as {@code feed.posts} carries it (post.published.v1 / post.deleted.v1).
 * {@code producedAtMillis} is the Kafka record's timestamp: when the event was sent, which for a post
 * the pending-fanout relay sent late is well after its {@code createdAtMillis}.
 */
record StreamEvent(Kind kind, long postId, long authorId, long createdAtMillis, long producedAtMillis, long seenAtNanos) {
    enum Kind { POST, DELETE }

    /**
     * A post whose event was sent this long after the post's own time reached the timeline late:
     * below the position of streams that went on meanwhile. The relay sends no earlier than
     * FEED_RELAY_GRACE (10 s) after the publish; an ordinary publish sends within milliseconds, and
     * one so slow it counts as late costs a client at most a repeat it drops by id.
     */
    static final long LATE_MILLIS = 5_000;

    /** Null for event types that are not ours (the topic may carry others). */
    static StreamEvent parse(JsonNode event, long producedAtMillis, long seenAtNanos) {
        Kind kind = switch (event.path("type").asText("")) {
            case "post.published" -> Kind.POST;
            case "post.deleted" -> Kind.DELETE;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        return new StreamEvent(kind, Long.parseLong(event.path("postId").asText()), Long.parseLong(event.path("authorId").asText()),
                event.path("createdAtMillis").asLong(), producedAtMillis, seenAtNanos);
    }

    /** True for a post whose event came late (relayed), see {@link #LATE_MILLIS}. */
    boolean latePost() {
        return kind == Kind.POST && producedAtMillis - createdAtMillis > LATE_MILLIS;
    }

    /** True if this is a post strictly newer than the position. */
    boolean postAfter(Cursor since) {
        return kind == Kind.POST && since.isAfter(new PostRef(postId, createdAtMillis));
    }
}
