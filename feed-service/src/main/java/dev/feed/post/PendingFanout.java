package dev.feed.post;

import java.time.Instant;

/**
 * A post whose fanout task ("publish" or "delete") is not yet acknowledged by Kafka, stored in
 * the 10-second {@code bucket} (epoch millis of its start) holding its write time; {@link #LEGACY}
 * for a record of the pre-bucket {@code pending_fanout} table, which the relay still drains.
 * {@code repostOf}: the original's id when the post is a repost, else 0.
 */
public record PendingFanout(long bucket, int shard, long postId, long authorId, Instant createdAt, String kind, long writeTimeMicros,
        long repostOf) {
    /** The bucket value of a record read from the V001 {@code pending_fanout} table. */
    public static final long LEGACY = -1;

    public PendingFanout(long bucket, int shard, long postId, long authorId, Instant createdAt, String kind, long writeTimeMicros) {
        this(bucket, shard, postId, authorId, createdAt, kind, writeTimeMicros, 0L);
    }

    public boolean legacy() {
        return bucket == LEGACY;
    }
}
