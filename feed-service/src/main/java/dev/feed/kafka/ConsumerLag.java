package dev.feed.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code feed_kafka_consumer_lag{group,topic}}: records between this member's position and the
 * end of the partitions it owns, as of its last fetch. Summed over the group's members it is the
 * group's lag, which is why this is a sum of current lags and not Kafka's windowed
 * {@code records-lag-max}. Updated on the consumer's own thread (a KafkaConsumer is
 * single-threaded): after each poll for a raw loop, every {@code feed.kafka.lag-interval} (5 s) for
 * a SmallRye channel, so a handler stuck for minutes leaves it stale that long. NaN until the first poll: not known is not the same as caught up. The same
 * meter as fanout-worker's, so one dashboard query covers every consumer of the system.
 */
public final class ConsumerLag {
    public static final String METRIC = "feed.kafka.consumer.lag";
    private static final long UNKNOWN = -1;

    private final Map<String, AtomicLong> byTopic = new HashMap<>();

    public ConsumerLag(MeterRegistry registry, String group, Collection<String> topics) {
        for (String topic : topics) {
            AtomicLong lag = byTopic.computeIfAbsent(topic, t -> new AtomicLong(UNKNOWN));
            Gauge.builder(METRIC, lag, l -> l.get() == UNKNOWN ? Double.NaN : l.get())
                    .description("Records behind the partition ends, over the partitions this member owns")
                    .tag("group", group).tag("topic", topic)
                    .strongReference(true)
                    .register(registry);
        }
    }

    /**
     * For a SmallRye Reactive Messaging channel: runs {@link #update} on the connector's polling
     * thread. Completes at once when the channel has no consumer (disabled, or not started yet).
     */
    public static Uni<Void> updateOnPollingThread(KafkaClientService kafka, String channel, ConsumerLag lag) {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(channel);
        if (consumer == null) {
            return Uni.createFrom().voidItem();
        }
        java.util.function.Consumer<org.apache.kafka.clients.consumer.Consumer<Object, Object>> update = lag::update;
        return consumer.runOnPollingThread(update)
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** On the consumer's thread, after a poll. Partitions not fetched yet count as 0. */
    public void update(Consumer<?, ?> consumer) {
        Map<String, Long> sums = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                sums.merge(partition.topic(), lag.getAsLong(), Long::sum);
            }
        }
        byTopic.forEach((topic, lag) -> lag.set(sums.getOrDefault(topic, 0L)));
    }
}
