package dev.feed.fanout.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.progress.Progress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/** Shared test steps: ids, active inboxes as the read path makes them, events, waiting. */
public final class Fixtures {
    public static final Duration WAIT = Duration.ofSeconds(60);

    private Fixtures() {
    }

    /** A fresh id per call, so tests never see each other's data (or a previous run's). */
    public static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    /** What the read path does for an active reader: an inbox with the sentinel and a TTL, its floor record "none". */
    public static void activate(Redis redis, long user, Duration ttl) {
        String key = InboxStore.key(user);
        redis.batch(List.of(
                Request.cmd(Command.ZADD).arg(key).arg(0).arg("0"),
                Request.cmd(Command.EXPIRE).arg(key).arg(ttl.toSeconds()),
                Request.cmd(Command.SET).arg(InboxStore.floorKey(user)).arg("none").arg("EX").arg(ttl.toSeconds())))
                .await().indefinitely();
    }

    public static List<String> members(Redis redis, String key) {
        Response r = redis.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1)).await().indefinitely();
        List<String> out = new ArrayList<>();
        r.forEach(m -> out.add(m.toString()));
        return out;
    }

    public static boolean exists(Redis redis, String key) {
        return redis.send(Request.cmd(Command.EXISTS).arg(key)).await().indefinitely().toInteger() == 1;
    }

    public static RecordMetadata send(KafkaClients kafka, String topic, String key, Map<String, Object> event, ObjectMapper json) {
        try {
            return kafka.send(new ProducerRecord<>(topic, key, json.writeValueAsString(event))).await().atMost(Duration.ofSeconds(30));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the group committed past the record: its work is done (offsets move only after it). */
    public static void awaitConsumed(KafkaClients kafka, String group, RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = kafka.admin()) {
            await("group " + group + " past " + partition + "@" + record.offset(), () -> {
                try {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get().get(partition);
                    return committed != null && committed.offset() > record.offset();
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    public static Map<String, Object> postEvent(String type, long postId, long authorId, long createdAtMillis) {
        Map<String, Object> event = envelope(type);
        event.put("postId", Long.toString(postId));
        event.put("authorId", Long.toString(authorId));
        event.put("createdAtMillis", createdAtMillis);
        return event;
    }

    public static Map<String, Object> envelope(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("type", type);
        event.put("version", 1);
        event.put("occurredAt", Instant.now().toString());
        return event;
    }

    public static double count(MeterRegistry registry, String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    public static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    public static Progress awaitComplete(Supplier<java.util.Optional<Progress>> progress) {
        await("fanout complete", () -> progress.get().map(Progress::complete).orElse(false));
        return progress.get().orElseThrow();
    }

}
