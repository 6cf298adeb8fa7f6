package dev.feed.post;

import java.time.Instant;

/** A post whose fanout task ("publish" or "delete") is not yet acknowledged by Kafka. */
public record PendingFanout(int shard, long postId, long authorId, Instant createdAt, String kind, long writeTimeMicros) {
}
