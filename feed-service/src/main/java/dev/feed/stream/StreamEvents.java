package dev.feed.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.hot.InstanceId;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ClientCustomizer;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every post and delete on {@code feed.posts}, for the streams of this instance: SmallRye Reactive
 * Messaging, channel {@code timeline-stream} (mp.messaging.incoming.timeline-stream.*), in a
 * consumer group of its own per instance ({@code feed-stream-<instanceId>}, set here because the
 * instance id is made at runtime), so every instance sees every event. Nothing is committed: on
 * each assignment the consumer seeks to {@code feed.stream.recent-window} ago, so a restarted
 * instance has the recent events again (see {@link RecentEvents}) and a stream that resumes there
 * with Last-Event-ID misses no post whose fanout was still under way.
 */
@ApplicationScoped
public class StreamEvents {
    static final String CHANNEL = "timeline-stream";
    private static final Logger LOG = Logger.getLogger(StreamEvents.class);

    private final StreamHub hub;
    private final ObjectMapper json;

    public StreamEvents(StreamHub hub, ObjectMapper json) {
        this.hub = hub;
        this.json = json;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        StreamEvent event;
        try {
            event = StreamEvent.parse(json.readTree(record.value()), record.timestamp(), System.nanoTime());
        } catch (Exception e) {
            LOG.debugf("stream: ignoring an unreadable post event: %s", e.toString());
            return Uni.createFrom().voidItem();
        }
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        // Not awaited: one slow hydration must not hold every later event of the instance.
        hub.onEvent(event).subscribe().with(ok -> { }, failure -> LOG.debugf("stream: event %d not delivered: %s", event.postId(), failure));
        return Uni.createFrom().voidItem();
    }

    /** The group of this instance; Quarkus would otherwise give every instance the application's name, one shared group. */
    @ApplicationScoped
    public static class Group implements ClientCustomizer<Map<String, Object>> {
        private final InstanceId instance;

        public Group(InstanceId instance) {
            this.instance = instance;
        }

        @Override
        public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
            if (CHANNEL.equals(channel)) {
                config.put("group.id", "feed-stream-" + instance.value());
                config.put("client.id", "feed-stream-" + instance.value());
            }
            return config;
        }
    }

    /** On assignment: back to the start of the recent window (or the end, when nothing is that recent). */
    @ApplicationScoped
    @Identifier("timeline-stream-rewind")
    public static class Rewind implements KafkaConsumerRebalanceListener {
        private final StreamConfig config;

        public Rewind(StreamConfig config) {
            this.config = config;
        }

        @Override
        public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            long from = System.currentTimeMillis() - config.recentWindow().toMillis();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = offsets.get(p);
                if (at != null) {
                    consumer.seek(p, at.offset());
                } else {
                    consumer.seekToEnd(List.of(p));
                    consumer.position(p); // resolve "end" now: nothing sent after this assignment is skipped
                }
            }
        }
    }
}
