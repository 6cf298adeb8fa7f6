package dev.feed.relation.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes relay rows ({@code relation_events}) in the caller's transaction, so an event exists
 * exactly when the change it describes commits. Payloads follow {@code schema/events/*.v1.json}.
 */
@ApplicationScoped
public class EventLog {
    public static final String FOLLOWED = "relation.followed";
    public static final String UNFOLLOWED = "relation.unfollowed";
    public static final String TIER_CHANGED = "author.tier-changed";
    public static final String BLOCKED = "relation.blocked";
    public static final String UNBLOCKED = "relation.unblocked";
    public static final String MUTED = "relation.muted";
    public static final String UNMUTED = "relation.unmuted";

    private final ObjectMapper json;

    public EventLog(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> followed(long followerId, long followeeId, String followeeTier) {
        Map<String, Object> payload = envelope(FOLLOWED);
        payload.put("followerId", Long.toString(followerId));
        payload.put("followeeId", Long.toString(followeeId));
        payload.put("followeeTier", followeeTier);
        return append(FOLLOWED, pairKey(followerId, followeeId), payload);
    }

    public Uni<Void> unfollowed(long followerId, long followeeId) {
        Map<String, Object> payload = envelope(UNFOLLOWED);
        payload.put("followerId", Long.toString(followerId));
        payload.put("followeeId", Long.toString(followeeId));
        return append(UNFOLLOWED, pairKey(followerId, followeeId), payload);
    }

    /** {@code blockerId} blocks {@code blockedId} (the unfollow events of the severed edges are written separately). */
    public Uni<Void> blocked(long blockerId, long blockedId) {
        return pairEvent(BLOCKED, "blockerId", blockerId, "blockedId", blockedId);
    }

    public Uni<Void> unblocked(long blockerId, long blockedId) {
        return pairEvent(UNBLOCKED, "blockerId", blockerId, "blockedId", blockedId);
    }

    public Uni<Void> muted(long muterId, long mutedId) {
        return pairEvent(MUTED, "muterId", muterId, "mutedId", mutedId);
    }

    public Uni<Void> unmuted(long muterId, long mutedId) {
        return pairEvent(UNMUTED, "muterId", muterId, "mutedId", mutedId);
    }

    /** Block and mute events: keyed by the pair like follow events, so one pair's changes stay in order. */
    private Uni<Void> pairEvent(String type, String firstName, long first, String secondName, long second) {
        Map<String, Object> payload = envelope(type);
        payload.put(firstName, Long.toString(first));
        payload.put(secondName, Long.toString(second));
        return append(type, pairKey(first, second), payload);
    }

    public Uni<Void> tierChanged(long authorId, String tier, long followerCount) {
        return append(TIER_CHANGED, Long.toString(authorId), tierChangedPayload(authorId, tier, followerCount));
    }

    /**
     * The relay row of a tier change, for writers that insert many rows in one statement (the tier
     * re-evaluation): the same type, key and payload as {@link #tierChanged}, so consumers cannot
     * tell which path wrote it.
     */
    public Row tierChangedRow(long authorId, String tier, long followerCount) {
        Map<String, Object> payload = tierChangedPayload(authorId, tier, followerCount);
        try {
            return new Row((String) payload.get("eventId"), TIER_CHANGED, Long.toString(authorId), json.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One {@code relation_events} row before insertion: event id (uuid), type, Kafka key, JSON payload. */
    public record Row(String eventId, String type, String key, String payload) {
    }

    private static Map<String, Object> tierChangedPayload(long authorId, String tier, long followerCount) {
        Map<String, Object> payload = envelope(TIER_CHANGED);
        payload.put("authorId", Long.toString(authorId));
        payload.put("tier", tier);
        payload.put("followerCount", followerCount);
        return payload;
    }

    /** The Kafka key of follow events: every event of one pair lands on one partition, in order. */
    public static String pairKey(long followerId, long followeeId) {
        return followerId + ":" + followeeId;
    }

    private static Map<String, Object> envelope(String type) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("eventId", UUID.randomUUID().toString());
        payload.put("type", type);
        payload.put("version", 1);
        payload.put("occurredAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        return payload;
    }

    private Uni<Void> append(String type, String key, Map<String, Object> payload) {
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        // Casts through text: a String bound straight to jsonb would be stored as a JSON string.
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("""
                                INSERT INTO relation_events (event_id, type, partition_key, payload)
                                VALUES (CAST(CAST(?1 AS text) AS uuid), ?2, ?3, CAST(CAST(?4 AS text) AS jsonb))""")
                        .setParameter(1, payload.get("eventId"))
                        .setParameter(2, type)
                        .setParameter(3, key)
                        .setParameter(4, body)
                        .executeUpdate())
                .replaceWithVoid();
    }
}
