package dev.feed.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;

/** A post published or deleted, as {@code feed.posts} carries it (post.published.v1 / post.deleted.v1). */
record StreamEvent(Kind kind, long postId, long authorId, long createdAtMillis, long seenAtNanos) {
    enum Kind { POST, DELETE }

    /** Null for event types that are not ours (the topic may carry others). */
    static StreamEvent parse(JsonNode event, long seenAtNanos) {
        Kind kind = switch (event.path("type").asText("")) {
            case "post.published" -> Kind.POST;
            case "post.deleted" -> Kind.DELETE;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        return new StreamEvent(kind, Long.parseLong(event.path("postId").asText()), Long.parseLong(event.path("authorId").asText()),
                event.path("createdAtMillis").asLong(), seenAtNanos);
    }

    /** True if this is a post strictly newer than the position. */
    boolean postAfter(Cursor since) {
        return kind == Kind.POST && since.isAfter(new PostRef(postId, createdAtMillis));
    }
}
