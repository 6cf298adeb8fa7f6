package dev.feed.relation.event;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The relay that publishes {@code relation_events} rows to Kafka. */
@ConfigMapping(prefix = "feed.relay")
public interface RelayConfig {
    /** Run the relay in this instance (FEED_RELAY_ENABLED). Default: true. */
    @WithDefault("true")
    boolean enabled();

    /** Topic the events go to (FEED_RELAY_TOPIC). Default: feed.relations. */
    @WithDefault("feed.relations")
    String topic();

    /** Kafka bootstrap servers of the relay (FEED_RELAY_BOOTSTRAP_SERVERS). Default: kafka.bootstrap.servers. */
    Optional<String> bootstrapServers();

    /** Rows published per transaction (FEED_RELAY_BATCH_SIZE). Default: 500. */
    @WithDefault("500")
    int batchSize();

    /** Pause between polls when nothing nudges the relay; also the retry period while Kafka is down (FEED_RELAY_INTERVAL). Default: 1s. */
    @WithDefault("1s")
    Duration interval();

    /**
     * How long a nudge waits before its round, so that changes committed meanwhile share one
     * batch: one round per change halved the follow throughput in perf/relation (FEED_RELAY_NUDGE_DELAY). Default: 50ms.
     */
    @WithDefault("50ms")
    Duration nudgeDelay();

    /** Published rows older than this are deleted, a bounded chunk per minute; consumers that fall further behind replay from Kafka (FEED_RELAY_RETENTION). Default: 7d. */
    @WithDefault("7d")
    Duration retention();

    /** How long a send may wait for Kafka metadata or an answer before the batch is retried: max.block.ms and request.timeout.ms (FEED_RELAY_KAFKA_TIMEOUT). Default: 5s. */
    @WithDefault("5s")
    Duration kafkaTimeout();
}
