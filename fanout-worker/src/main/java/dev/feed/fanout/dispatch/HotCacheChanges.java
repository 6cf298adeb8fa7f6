package dev.feed.fanout.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Broadcasts {@code hotcache.changed.v1} to every feed-service instance (key authorId). */
@ApplicationScoped
public class HotCacheChanges {
    private final KafkaClients kafka;
    private final TopicsConfig topics;
    private final ObjectMapper json;

    public HotCacheChanges(KafkaClients kafka, TopicsConfig topics, ObjectMapper json) {
        this.kafka = kafka;
        this.topics = topics;
        this.json = json;
    }

    /** @param reason one of publish, delete, repair, tier */
    public Uni<Void> broadcast(long authorId, String reason) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("type", "hotcache.changed");
        event.put("version", 1);
        event.put("occurredAt", Instant.now().toString());
        event.put("authorId", Long.toString(authorId));
        event.put("reason", reason);
        return kafka.send(new ProducerRecord<>(topics.hotcacheChanges(), Long.toString(authorId), toJson(event)))
                .replaceWithVoid();
    }

    private String toJson(Map<String, Object> event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
