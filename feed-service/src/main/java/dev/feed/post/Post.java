package dev.feed.post;

import java.time.Instant;

/**
 * A stored post. {@code createdAt} is the instant encoded in the Snowflake id, so both orders agree.
 * {@code repostOf} is the original's id for a repost (whose text is empty), 0 for an ordinary post.
 */
public record Post(long id, long authorId, String text, Instant createdAt, Instant deletedAt, long repostOf) {
    public Post(long id, long authorId, String text, Instant createdAt, Instant deletedAt) {
        this(id, authorId, text, createdAt, deletedAt, 0L);
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    public boolean isRepost() {
        return repostOf != 0L;
    }

    public long createdAtMillis() {
        return createdAt.toEpochMilli();
    }
}
