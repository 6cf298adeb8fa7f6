package dev.feed.post;

import java.time.Instant;

/** A stored post. {@code createdAt} is the instant encoded in the Snowflake id, so both orders agree. */
public record Post(long id, long authorId, String text, Instant createdAt, Instant deletedAt) {
    public boolean deleted() {
        return deletedAt != null;
    }

    public long createdAtMillis() {
        return createdAt.toEpochMilli();
    }
}
