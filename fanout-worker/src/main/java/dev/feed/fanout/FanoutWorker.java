package dev.feed.fanout;

import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.batch.BatchWorker;
import dev.feed.fanout.dispatch.Dispatcher;
import dev.feed.fanout.kafka.ConsumerLag;
import dev.feed.fanout.kafka.ConsumerLoop;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.RecordsHandler;
import dev.feed.fanout.kafka.TopicSetup;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.merge.RelationEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The worker's three consumer groups, each on its own thread:
 * <ol>
 *   <li>dispatcher: {@code feed.posts} to batch tasks on {@code feed.fanout-batches};</li>
 *   <li>batch workers: batch tasks into (or out of) Redis inboxes;</li>
 *   <li>relations: follow / unfollow merges and tier broadcasts from {@code feed.relations}.</li>
 * </ol>
 * Topics are created before any of them starts. {@code feed.fanout.enabled=false} runs the
 * process with health, metrics and admin only.
 */
@ApplicationScoped
public class FanoutWorker {
    private static final Logger LOG = Logger.getLogger(FanoutWorker.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    public enum Stage { DISPATCHER, BATCH, RELATIONS }

    private final Map<Stage, ConsumerLoop> loops = new EnumMap<>(Stage.class);
    private final FanoutConfig config;
    private final TopicSetup topicSetup;
    private final KafkaClients kafka;
    private final MeterRegistry registry;

    public FanoutWorker(FanoutConfig config, TopicsConfig topics, TopicSetup topicSetup, KafkaClients kafka,
                        Dispatcher dispatcher, BatchWorker batchWorker, RelationEvents relationEvents,
                        MeterRegistry registry) {
        this.config = config;
        this.topicSetup = topicSetup;
        this.kafka = kafka;
        this.registry = registry;
        loops.put(Stage.DISPATCHER, loop(group(Dispatcher.GROUP), config.dispatchConcurrency(), topics.posts(), dispatcher));
        loops.put(Stage.BATCH, loop(group(BatchWorker.GROUP), config.concurrency(), topics.fanoutBatches(), batchWorker));
        loops.put(Stage.RELATIONS, loop(group(RelationEvents.GROUP), config.concurrency(), topics.relations(), relationEvents));
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("feed.fanout.enabled=false: no Kafka consumers in this process");
            return;
        }
        topicSetup.ensureTopics();
        loops.values().forEach(ConsumerLoop::start);
    }

    void onStop(@Observes ShutdownEvent event) {
        // Stopping lets each loop finish and commit the poll it is working on.
        loops.values().forEach(loop -> loop.stop(STOP_TIMEOUT));
    }

    /** The consumer group id of a stage, with the configured prefix. */
    public String group(String name) {
        return config.groupPrefix().orElse("") + name;
    }

    public void start(Stage stage) {
        loops.get(stage).start();
    }

    public void stop(Stage stage) {
        loops.get(stage).stop(STOP_TIMEOUT);
    }

    public boolean isRunning(Stage stage) {
        return loops.get(stage).isRunning();
    }

    private ConsumerLoop loop(String group, int maxPollRecords, String topic, RecordsHandler handler) {
        return new ConsumerLoop(group, kafka.consumerConfig(group, maxPollRecords), List.of(topic), handler,
                new ConsumerLag(registry, group, List.of(topic)));
    }
}
