package dev.feed.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code hotcache.changed.v1} on {@code feed.hotcache-changes}, keyed by author: a hot author's
 * outbox changed, so every feed-service instance rebuilds that author's resident entry. Written by
 * feed-service (publish, delete, verifier repair) and fanout-worker (tier moves).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HotCacheChanged(String eventId, String type, int version, String occurredAt, String authorId,
        String reason) {
    public static final String TYPE = "hotcache.changed";

    /** @param reason one of publish, delete, repair, tier */
    public static HotCacheChanged of(long authorId, String reason) {
        return new HotCacheChanged(Envelope.newId(), TYPE, Envelope.VERSION, Envelope.now(), Long.toString(authorId),
                reason);
    }

    public long author() {
        return Envelope.id("authorId", authorId);
    }

    public String key() {
        return authorId;
    }
}
