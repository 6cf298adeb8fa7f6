package dev.feed.fanout.batch;

import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Parks a batch task that failed every attempt on the dead-letter topic, unchanged (same key and
 * value, so it can be replayed as is onto the batch topic), with headers saying why.
 */
@ApplicationScoped
public class DeadLetters {
    public static final String ERROR_CLASS = "x-error-class";
    public static final String ERROR_MESSAGE = "x-error-message";
    public static final String ATTEMPTS = "x-attempts";
    public static final String ORIGINAL_TOPIC = "x-original-topic";
    public static final String ORIGINAL_PARTITION = "x-original-partition";
    public static final String ORIGINAL_OFFSET = "x-original-offset";
    public static final String FAILED_AT = "x-failed-at";

    private final KafkaClients kafka;
    private final TopicsConfig topics;

    public DeadLetters(KafkaClients kafka, TopicsConfig topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /** Completes once the dead letter is acknowledged: only then may the original's offset be committed. */
    public Uni<Void> send(ConsumerRecord<String, String> failed, Throwable error, int attempts) {
        ProducerRecord<String, String> dead = new ProducerRecord<>(topics.fanoutDlq(), null, failed.key(), failed.value(),
                headers(failed, error, attempts));
        return kafka.send(dead).replaceWithVoid();
    }

    private static Headers headers(ConsumerRecord<String, String> failed, Throwable error, int attempts) {
        Headers headers = new RecordHeaders();
        for (Header header : failed.headers()) {
            headers.add(header);
        }
        add(headers, ERROR_CLASS, error.getClass().getName());
        add(headers, ERROR_MESSAGE, String.valueOf(error.getMessage()));
        add(headers, ATTEMPTS, Integer.toString(attempts));
        add(headers, ORIGINAL_TOPIC, failed.topic());
        add(headers, ORIGINAL_PARTITION, Integer.toString(failed.partition()));
        add(headers, ORIGINAL_OFFSET, Long.toString(failed.offset()));
        add(headers, FAILED_AT, java.time.Instant.now().toString());
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
