package dev.feed.perf;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * "Has every service seen it?": waits until each live consumer group reading the given topics
 * has committed up to the end of them. Services commit after processing (the Kafka consumers
 * here auto-commit every few seconds), so zero lag means the events were applied.
 */
final class KafkaLag {
    private KafkaLag() {
    }

    /** Returns how long it took; throws if the lag is not 0 within the timeout. */
    static Duration awaitConsumed(String bootstrap, Set<String> topics, Duration timeout) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long start = System.nanoTime();
        AtomicReference<String> last = new AtomicReference<>("");
        try (Admin admin = Admin.create(props)) {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, Long> lag = lag(admin, topics);
                last.set(lag.toString());
                return !lag.isEmpty() && lag.values().stream().allMatch(l -> l == 0);
            });
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("consumers of " + topics + " still behind after " + timeout + ": " + last.get());
        }
    }

    /** Lag per live group (state STABLE) that has committed offsets on any of the topics. */
    private static Map<String, Long> lag(Admin admin, Set<String> topics) throws Exception {
        Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS);
        List<String> ids = groups.stream().map(ConsumerGroupListing::groupId).toList();
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(ids).all().get(10, TimeUnit.SECONDS);
        Map<String, Long> lag = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        for (String id : ids) {
            if (described.get(id).groupState() != GroupState.STABLE) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(id).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            offsets.keySet().removeIf(tp -> !topics.contains(tp.topic()));
            if (!offsets.isEmpty()) {
                committed.put(id, offsets);
                offsets.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
            }
        }
        if (ends.isEmpty()) {
            return lag;
        }
        var end = admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
        committed.forEach((group, offsets) -> {
            long behind = 0;
            for (var e : offsets.entrySet()) {
                behind += Math.max(0, end.get(e.getKey()).offset() - (e.getValue() == null ? 0 : e.getValue().offset()));
            }
            lag.put(group, behind);
        });
        return lag;
    }
}
