package dev.feed.post;

import java.time.Instant;

/**
 * A post whose fanout task ("publish" or "delete") is not yet acknowledged by Kafka.
 * {@code repostOf}: the original's id when the post is a repost, else 0.
 */
public record PendingFanout(int shard, long postId, long authorId, Instant createdAt, String kind, long writeTimeMicros, long repostOf) {
    public PendingFanout(int shard, long postId, long authorId, Instant createdAt, String kind, long writeTimeMicros) {
        this(shard, postId, authorId, createdAt, kind, writeTimeMicros, 0L);
    }
}
