package dev.feed.fanout.batch;

import dev.feed.fanout.inbox.FanoutOp;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code fanout.batch.v1} event (schema/events/fanout.batch.v1.json): one page of followers for one post. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FanoutBatch(String eventId, String type, int version, String occurredAt, String op, String postId,
                          String authorId, long createdAtMillis, int batchIndex, List<String> followerIds,
                          Integer attempt) {
    public static final String TYPE = "fanout.batch";

    public static FanoutBatch of(FanoutOp op, long postId, long authorId, long createdAtMillis, int batchIndex,
                                 List<Long> followerIds) {
        List<String> ids = new ArrayList<>(followerIds.size());
        followerIds.forEach(id -> ids.add(Long.toString(id)));
        return new FanoutBatch(UUID.randomUUID().toString(), TYPE, 1, Instant.now().toString(), op.wire(),
                Long.toString(postId), Long.toString(authorId), createdAtMillis, batchIndex, ids, 0);
    }

    /** The Kafka key: spreads one post's batches over partitions, and keeps a push and unpush of one page in order. */
    public String key() {
        return postId + ":" + batchIndex;
    }

    /** Parses and validates; a malformed task is never worth retrying. */
    public static FanoutBatch parse(ObjectMapper json, String value) {
        FanoutBatch batch;
        try {
            batch = json.readValue(value, FanoutBatch.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a fanout.batch event: " + e.getOriginalMessage(), e);
        }
        if (!TYPE.equals(batch.type()) || batch.version() != 1 || batch.postId() == null || batch.followerIds() == null) {
            throw new IllegalArgumentException("not a fanout.batch v1 event: type=" + batch.type() + " version=" + batch.version());
        }
        batch.postIdLong();
        batch.opValue();
        batch.followers();
        return batch;
    }

    public FanoutOp opValue() {
        return FanoutOp.fromWire(op);
    }

    public long postIdLong() {
        return Long.parseLong(postId);
    }

    public List<Long> followers() {
        List<Long> ids = new ArrayList<>(followerIds.size());
        for (String id : followerIds) {
            ids.add(Long.parseLong(id));
        }
        return ids;
    }

    public String toJson(ObjectMapper json) {
        try {
            return json.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
