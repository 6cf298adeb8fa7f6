package dev.feed.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.events.PostEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends post events to Kafka with an idempotent producer (acks=all), keyed by author so one
 * author's events stay in order. A send completes only when Kafka acknowledged it; the caller
 * drops the pending-fanout record only then.
 */
@ApplicationScoped
public class PostEventProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final ObjectMapper json;
    private final PublishConfig config;
    private final KafkaTracing tracing;

    public PostEventProducer(@Identifier("default-kafka-broker") Map<String, Object> kafka, ObjectMapper json, PublishConfig config,
            KafkaTracing tracing) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // Kafka down must not hold a publish: fail fast, the relay retries from Cassandra.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "feed-service-posts");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.json = json;
        this.config = config;
        this.tracing = tracing;
    }

    /** @param trace the context the publish span goes under: the publish request's, or root for the relay. */
    public Uni<Void> send(PostEvent event, Context trace) {
        String value;
        try {
            value = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(config.topic(), event.authorId(), value);
        // send() may block up to max.block.ms fetching metadata: never on the event loop.
        return Uni.createFrom().<Void>emitter(em -> {
            Span span = tracing.startPublish(trace, record);
            try {
                producer.send(record, (meta, error) -> {
                    KafkaTracing.end(span, meta, error);
                    if (error != null) {
                        em.fail(error);
                    } else {
                        em.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                KafkaTracing.end(span, null, e);
                throw e;
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
