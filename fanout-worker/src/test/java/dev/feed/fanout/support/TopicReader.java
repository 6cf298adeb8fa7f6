package dev.feed.fanout.support;

import dev.feed.fanout.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads a topic from the start with a throwaway group until a matching record shows up. */
public final class TopicReader {
    private TopicReader() {
    }

    public static ConsumerRecord<String, String> awaitRecord(KafkaClients kafka, String topic,
                                                             Predicate<ConsumerRecord<String, String>> match) {
        Map<String, Object> config = kafka.consumerConfig("test-reader-" + UUID.randomUUID(), 500);
        long deadline = System.nanoTime() + Fixtures.WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (match.test(record)) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + Fixtures.WAIT);
    }

    public static Optional<String> header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
