package dev.feed.fanout.progress;

import dev.feed.fanout.inbox.FanoutOp;

/** One post's fanout so far; {@code totalBatches} is null while the followers are still being paged. */
public record Progress(long postId, FanoutOp op, Long totalBatches, long doneBatches, Long startedAt, Long finishedAt,
                       long deadLetteredBatches) {
    public boolean complete() {
        return finishedAt != null;
    }
}
