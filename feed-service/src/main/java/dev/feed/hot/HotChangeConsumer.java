package dev.feed.hot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.kafka.ConsumerLag;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Every change broadcast, seen by this instance: a consumer of its own group
 * ({@code feed-hot-<instanceId>}) so each instance gets every message, starting at the latest
 * offset because a fresh process loads its resident authors anyway and the patrol repairs what a
 * restart missed. One dedicated thread; a plain class so a test can run a second instance.
 */
public final class HotChangeConsumer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HotChangeConsumer.class);

    private final KafkaConsumer<String, String> consumer;
    private final List<String> topics;
    private final Consumer<HotChange> handler;
    private final ConsumerLag lag;
    private final ObjectMapper json = new ObjectMapper();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    public HotChangeConsumer(String bootstrapServers, String instanceId, List<String> topics, Consumer<HotChange> handler,
            MeterRegistry registry) {
        String group = "feed-hot-" + instanceId;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.lag = new ConsumerLag(registry, group, this.topics);
        this.thread = new Thread(this::run, "hot-changes-" + instanceId);
        this.thread.setDaemon(true);
    }

    public HotChangeConsumer start() {
        thread.start();
        return this;
    }

    /** True once partitions are assigned, i.e. messages sent from now on will be seen (tests wait for it). */
    public boolean awaitAssigned(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        // "latest" is resolved lazily; pin it now so nothing sent after this is skipped.
                        partitions.forEach(consumer::position);
                        assigned.countDown();
                    }
                }
            });
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                lag.update(consumer);
                for (ConsumerRecord<String, String> record : records) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("hot-cache change consumer stopped", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void dispatch(ConsumerRecord<String, String> record) {
        HotChange change;
        try {
            change = parse(json.readTree(record.value()));
        } catch (Exception e) {
            LOG.warnf("hot-cache: unreadable change on %s at offset %d: %s", record.topic(), record.offset(), e.toString());
            return;
        }
        if (change == null) {
            return;
        }
        try {
            handler.accept(change);
        } catch (RuntimeException e) {
            LOG.warnf("hot-cache: handling change of author %d failed: %s", change.authorId(), e.toString());
        }
    }

    /** post.published, post.deleted, hotcache.changed; other types on the same topic are not ours. */
    static HotChange parse(JsonNode event) {
        String type = event.path("type").asText("");
        long author = Long.parseLong(event.path("authorId").asText());
        return switch (type) {
            case "post.published" -> new HotChange(author, HotChange.Reason.PUBLISH);
            case "post.deleted" -> new HotChange(author, HotChange.Reason.DELETE);
            case "hotcache.changed" -> new HotChange(author, HotChange.Reason.ofWire(event.path("reason").asText()));
            default -> null;
        };
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
