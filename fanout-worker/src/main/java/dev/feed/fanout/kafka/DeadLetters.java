package dev.feed.fanout.kafka;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Parks a record that failed every attempt on a dead-letter topic, unchanged (same key and value,
 * so it can be replayed as is onto its topic), with headers saying why: batch tasks on
 * {@code feed.fanout-dlq}, post events on {@code feed.posts-dlq}, relation events on
 * {@code feed.relations-dlq} (schema/README.md). Kept on the raw producer of {@link KafkaClients}
 * because the consumers it serves are raw loops (see {@link ConsumerLoop}); SmallRye's
 * {@code failure-strategy=dead-letter-queue} writes the same shape (record unchanged, error headers).
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

    /** A batch task, to {@code feed.fanout-dlq}. Completes once the dead letter is acknowledged. */
    public Uni<Void> send(ConsumerRecord<String, String> failed, Throwable error, int attempts) {
        return send(topics.fanoutDlq(), failed, error, attempts);
    }

    /**
     * Completes once the dead letter is acknowledged: only then may the original's offset be
     * committed, so a record is always on its topic or on its dead-letter topic.
     */
    public Uni<Void> send(String deadLetterTopic, ConsumerRecord<String, String> failed, Throwable error, int attempts) {
        ProducerRecord<String, String> dead = new ProducerRecord<>(deadLetterTopic, null, failed.key(), failed.value(),
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
