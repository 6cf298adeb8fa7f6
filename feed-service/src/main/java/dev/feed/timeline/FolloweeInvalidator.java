package dev.feed.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.author.TierTransitions;
import dev.feed.hot.InstanceId;
import dev.feed.hotcache.HotCache;
import dev.feed.kafka.ConsumerLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Every instance reads {@code feed.relations} with its own consumer group and drops the cached
 * followee lists of readers who followed or unfollowed someone, so an unfollowed author leaves
 * the timeline within the relay's delay (well under a second) rather than a cache lifetime. A
 * tier change moves an author between the push and pull lists of all its followers: everything
 * is dropped then (rare), and an author back in the push tier stops being resident in hot-cache
 * (pull-tier authors are pinned by the first read that needs them). Missing an event only delays
 * the change to the cache TTL; a missed unpin leaves an entry that stays correct (it is still
 * rebuilt on every change) but costs memory until the instance restarts. Block and mute events
 * drop the cached {@link HiddenAuthors} of the users they name in the same way.
 */
@ApplicationScoped
public class FolloweeInvalidator {
    private static final Logger LOG = Logger.getLogger(FolloweeInvalidator.class);

    private final FolloweeCache followees;
    private final HiddenAuthorsCache hiddenAuthors;
    private final HotCache hotCache;
    private final TierTransitions transitions;
    private final TimelineConfig config;
    private final String bootstrap;
    private final String group;
    private final ConsumerLag lag;
    private final ObjectMapper json = new ObjectMapper();
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread thread;

    public FolloweeInvalidator(FolloweeCache followees, HiddenAuthorsCache hiddenAuthors, HotCache hotCache, TierTransitions transitions,
            TimelineConfig config, InstanceId instance,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry) {
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
        this.hotCache = hotCache;
        this.transitions = transitions;
        this.config = config;
        this.bootstrap = String.valueOf(kafka.get("bootstrap.servers"));
        this.group = "feed-followees-" + instance.value();
        this.lag = new ConsumerLag(registry, group, List.of(config.relationsTopic()));
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.followeeEvents()) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "followee-invalidator");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        stopped.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props(), new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                c.subscribe(List.of(config.relationsTopic()));
                while (running) {
                    ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
                    lag.update(c);
                    for (ConsumerRecord<String, String> r : records) {
                        apply(r.value());
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // Kafka away: the TTL still bounds staleness; try again shortly.
                LOG.warnf("followee invalidation paused: %s", e.toString());
                followees.invalidateAll();
                hiddenAuthors.invalidateAll();
                awaitStop(Duration.ofSeconds(2));
            }
        }
    }

    void apply(String value) {
        try {
            JsonNode event = json.readTree(value);
            switch (event.path("type").asText()) {
                case "relation.followed", "relation.unfollowed" -> followees.invalidate(event.path("followerId").asLong());
                // A block hides each from the other; a mute only the muted from the muter.
                case "relation.blocked", "relation.unblocked" -> {
                    hiddenAuthors.invalidate(event.path("blockerId").asLong());
                    hiddenAuthors.invalidate(event.path("blockedId").asLong());
                }
                case "relation.muted", "relation.unmuted" -> hiddenAuthors.invalidate(event.path("muterId").asLong());
                case "author.tier-changed" -> {
                    if ("push".equals(event.path("tier").asText())) {
                        // before the lists switch: until the merge is done, inboxes lack the pull-period posts
                        transitions.leftPullTier(event.path("authorId").asLong());
                    }
                    followees.invalidateAll();
                    if ("push".equals(event.path("tier").asText())) {
                        hotCache.unpin(event.path("authorId").asLong());
                    }
                }
                default -> {
                    // other event types do not change anyone's followee lists
                }
            }
        } catch (Exception e) {
            LOG.debugf("ignoring unreadable relation event: %s", e.toString());
        }
    }

    private Properties props() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        // A new instance starts from the beginning: replaying invalidations of a cold cache is harmless.
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "true");
        p.put("metadata.max.age.ms", "5000");
        p.put("client.id", group);
        return p;
    }

    /** Waits before reconnecting, but returns at once when the application stops. */
    private void awaitStop(Duration delay) {
        try {
            stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
