package dev.feed.hot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Broadcasts hotcache.changed (schema/events/hotcache.changed.v1.json) to every feed-service instance. */
@ApplicationScoped
public class HotChangeBus {
    private static final Logger LOG = Logger.getLogger(HotChangeBus.class);

    private final HotConfig config;
    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json = new ObjectMapper();

    public HotChangeBus(HotConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A repair that cannot be sent is retried by the next patrol; do not block a caller for long.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    public void broadcast(long authorId, HotChange.Reason reason) {
        ObjectNode event = json.createObjectNode()
                .put("eventId", UUID.randomUUID().toString())
                .put("type", "hotcache.changed")
                .put("version", 1)
                .put("occurredAt", Instant.now().toString())
                .put("authorId", Long.toString(authorId))
                .put("reason", reason.wire());
        producer.send(new ProducerRecord<>(config.changesTopic(), Long.toString(authorId), event.toString()), (meta, e) -> {
            if (e != null) {
                LOG.warnf("hot-cache: %s broadcast for author %d failed: %s", reason.wire(), authorId, e.toString());
            }
        });
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
