package dev.feed.fanout.kafka;

import dev.feed.fanout.breaker.OutboundConfig;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Raw kafka-clients built from the {@code kafka.*} configuration (bootstrap servers, and any
 * security settings an operator adds there), so every client of the worker talks to the same
 * cluster the same way.
 */
@ApplicationScoped
public class KafkaClients {
    private final Map<String, Object> base;
    private final Duration sendTimeout;
    private volatile KafkaProducer<String, String> producer;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> base,
                        OutboundConfig outbound) {
        this.base = base;
        this.sendTimeout = outbound.kafkaSendTimeout();
    }

    /** A consumer that never auto-commits: offsets move only after the work of a poll is done. */
    public Map<String, Object> consumerConfig(String groupId, int maxPollRecords) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group must not skip posts published before it first started.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    public Admin admin() {
        return Admin.create(new HashMap<>(base));
    }

    /**
     * Sends one record and completes when the brokers acknowledged it (acks=all). The producer is
     * idempotent, so its own retries never duplicate a record within a session.
     */
    public Uni<RecordMetadata> send(ProducerRecord<String, String> record) {
        return Uni.createFrom().<RecordMetadata>emitter(emitter -> producer().send(record, acked(emitter)))
                // send() blocks while metadata is missing or the buffer is full: never on a Vert.x event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Callback acked(UniEmitter<? super RecordMetadata> emitter) {
        return (metadata, error) -> {
            if (error != null) {
                emitter.fail(error);
            } else {
                emitter.complete(metadata);
            }
        };
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    producer = p = new KafkaProducer<>(producerConfig());
                }
            }
        }
        return p;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Batch tasks of one fanout are sent in a burst: a short linger packs them per partition.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // send() may block the caller on metadata; keep that short rather than stall a consumer loop.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        // A send fails after the delivery timeout rather than retrying until the default 2 minutes:
        // the poll then fails and is redelivered, as for any other outage (FEED_FANOUT_KAFKA_SEND_TIMEOUT).
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(sendTimeout.toMillis() - 5, 30_000));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    @PreDestroy
    void close() {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
