package dev.feed.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.post.PendingFanout;
import dev.feed.post.Post;
import dev.feed.post.PostStore;
import dev.feed.post.SnowflakeIds;
import dev.feed.schema.CassandraConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The time-bucketed pending-fanout relay against the real Cassandra and Kafka, in a keyspace of its
 * own (its checkpoints are per shard, and these tests move them, with relays whose clocks run ahead
 * of the writers'). The application's own relay runs once, at startup (interval one hour).
 */
@QuarkusTest
@TestProfile(PendingFanoutRelayTest.OwnKeyspace.class)
class PendingFanoutRelayTest {
    public static class OwnKeyspace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.cassandra.keyspace", "feed_relay_test",
                    "feed.publish.relay-interval", "PT1H",
                    "feed.pending-relay.max-per-pass", "1000");
        }
    }

    /** A relay's bounds, for relays built by a test. */
    record Bounds(int maxPerPass, int maxBuckets, Duration lateWindow, int concurrency) implements RelayConfig {
    }

    private static final int SHARD = 7;
    private static final long BUCKET = PostStore.PENDING_BUCKET_MILLIS;

    @Inject
    PostStore posts;
    @Inject
    PublishService publisher;
    @Inject
    PublishConfig publishConfig;
    @Inject
    RelayConfig relayConfig;
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig cassandra;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    /** Each test starts its shards where it says: no checkpoint left by another test (or run). */
    @BeforeEach
    void forgetCheckpoints() {
        for (int shard = 0; shard < publishConfig.pendingShards(); shard++) {
            session.execute(SimpleStatement.newInstance("DELETE FROM " + cassandra.keyspace() + ".pending_fanout_checkpoints WHERE shard = ?", shard));
        }
    }

    @Test
    void relay_backlogPastTheTombstoneWarnThreshold_drainsCompletely_atMostTheBoundPerPass() throws Exception {
        int backlog = 2_500; // one bucket partition, past tombstone_warn_threshold (1,000) once relayed rows turn to tombstones
        long now = System.currentTimeMillis();
        // Every record in the bucket that starts 30 s ago (a Kafka outage's backlog).
        long bucket = PostStore.pendingBucketOf((now - 30_000) * 1000);
        PostStore writer = new PostStore(session, cassandra, () -> bucket + 1);
        startAllShardsAt(bucket);
        List<PendingFanout> written = write(writer, backlog, 25);
        assertThat(written).allSatisfy(p -> assertThat(p.bucket()).isEqualTo(bucket));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PendingFanoutRelay relay = new PendingFanoutRelay(posts, publisher, publishConfig, relayConfig, registry, aheadBy(Duration.ofMinutes(5)));
        try (KafkaConsumer<String, String> consumer = consumerAtEnd()) {
            List<Integer> perPass = new ArrayList<>();
            List<Double> lags = new ArrayList<>();
            for (int i = 0; i < 10 && !pendingIds(bucket).isEmpty(); i++) {
                perPass.add(relay.pass().await().indefinitely().dispatched());
                lags.add(registry.get("feed_publish_relay_lag_seconds").gauge().value());
            }

            assertThat(pendingIds(bucket)).as("the whole backlog relayed").isEmpty();
            assertThat(perPass).as("each pass within its bound (1,000), so the backlog took several").hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1_000));
            assertThat(lags.get(0)).as("lag while behind: the backlog's bucket is minutes old to this relay").isGreaterThan(60.0);
            assertThat(lags.get(lags.size() - 1)).as("no lag once drained").isEqualTo(0.0);
            assertThat(eventIds(consumer, ids(written))).as("every record's event reached Kafka").containsAll(ids(written));
            assertThat(posts.relayCheckpoints().await().indefinitely().get(SHARD)).as("checkpoint moved past the drained bucket")
                    .isGreaterThan(bucket);
        }
    }

    @Test
    void relay_restartedMidBacklog_resumesFromItsCheckpoint_withoutLoss() throws Exception {
        long now = System.currentTimeMillis();
        long first = PostStore.pendingBucketOf((now - 60_000) * 1000);
        startAllShardsAt(first);
        List<PendingFanout> written = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            long bucketStart = first + b * BUCKET;
            written.addAll(write(new PostStore(session, cassandra, () -> bucketStart + 1), 5, 5));
        }
        LongSupplier clock = aheadBy(Duration.ofMinutes(5));
        try (KafkaConsumer<String, String> consumer = consumerAtEnd()) {
            PendingFanoutRelay before = new PendingFanoutRelay(posts, publisher, publishConfig,
                    new Bounds(1_000, 3, relayConfig.lateWindow(), 4), new SimpleMeterRegistry(), clock);
            PendingFanoutRelay.Pass firstPass = before.pass().await().indefinitely();
            long checkpoint = posts.relayCheckpoints().await().indefinitely().get(SHARD);
            assertThat(checkpoint).as("three buckets read, the checkpoint after them").isEqualTo(first + 3 * BUCKET);
            assertThat(firstPass.checkpoints().get(SHARD)).isEqualTo(checkpoint);

            // "Restart": a new relay with no state but what Cassandra holds.
            PendingFanoutRelay after = new PendingFanoutRelay(posts, publisher, publishConfig, relayConfig, new SimpleMeterRegistry(), clock);
            PendingFanoutRelay.Pass resumed = after.pass().await().indefinitely();

            assertThat(resumed.startedAt().get(SHARD)).as("resumed at the durable checkpoint").isEqualTo(checkpoint);
            for (long b = first; b < first + 6 * BUCKET; b += BUCKET) {
                assertThat(pendingIds(b)).as("bucket %d drained", b).isEmpty();
            }
            assertThat(eventIds(consumer, ids(written))).as("no record lost across the restart").containsAll(ids(written));
        }
    }

    @Test
    void relay_lateWriteIntoABucketAlreadyRead_isStillRelayed_withinTheLateWindow() throws Exception {
        long now = System.currentTimeMillis();
        startAllShardsAt(PostStore.pendingBucketOf(now * 1000));
        LongSupplier relayClock = aheadBy(Duration.ofMinutes(2));
        PendingFanoutRelay relay = new PendingFanoutRelay(posts, publisher, publishConfig, relayConfig, new SimpleMeterRegistry(), relayClock);
        try (KafkaConsumer<String, String> consumer = consumerAtEnd()) {
            PendingFanoutRelay.Pass read = relay.pass().await().indefinitely();
            long checkpoint = read.checkpoints().get(SHARD);
            long newestRead = PostStore.pendingBucketOf((relayClock.getAsLong() - publishConfig.relayGrace().toMillis()) * 1000);
            assertThat(checkpoint).as("the durable checkpoint trails the newest bucket read by the late window")
                    .isLessThanOrEqualTo(newestRead - relayConfig.lateWindow().toMillis())
                    .isGreaterThan(PostStore.pendingBucketOf(now * 1000));

            // A writer whose clock is 40 s behind the relay's: its record lands in a bucket the relay
            // has already read and found empty, but after the durable checkpoint.
            long writerAt = relayClock.getAsLong() - 40_000;
            PendingFanout late = write(new PostStore(session, cassandra, () -> writerAt), 1, 1).get(0);
            assertThat(late.bucket()).as("a bucket the first pass read").isLessThan(newestRead).isGreaterThanOrEqualTo(checkpoint);

            relay.pass().await().indefinitely();

            assertThat(pendingIds(late.bucket())).as("relayed on the next pass").isEmpty();
            assertThat(eventIds(consumer, Set.of(late.postId()))).contains(late.postId());
        }
    }

    private LongSupplier aheadBy(Duration ahead) {
        return () -> System.currentTimeMillis() + ahead.toMillis();
    }

    private void startAllShardsAt(long bucket) {
        for (int shard = 0; shard < publishConfig.pendingShards(); shard++) {
            posts.saveRelayCheckpoint(shard, bucket).await().indefinitely();
        }
    }

    /** {@code count} posts by {@code authors} random authors, each with its pending record in {@link #SHARD}. */
    private List<PendingFanout> write(PostStore writer, int count, int authors) {
        SnowflakeIds ids = new SnowflakeIds(ThreadLocalRandom.current().nextInt(1024), System::currentTimeMillis);
        long[] authorIds = ThreadLocalRandom.current().longs(authors, 1, Long.MAX_VALUE).toArray();
        List<PendingFanout> out = new ArrayList<>();
        for (int from = 0; from < count; from += 100) {
            List<Uni<PendingFanout>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 100); i++) {
                long id = ids.next();
                batch.add(writer.insertWithPendingFanout(new Post(id, authorIds[i % authors], "relay " + i, SnowflakeIds.instantOf(id), null), SHARD));
            }
            out.addAll(Uni.join().all(batch).andFailFast().await().indefinitely());
        }
        return out;
    }

    private List<Long> pendingIds(long bucket) {
        return posts.pendingIn(bucket, SHARD, 100_000).await().indefinitely().records().stream().map(PendingFanout::postId).toList();
    }

    private static Set<Long> ids(List<PendingFanout> records) {
        Set<Long> out = new TreeSet<>();
        records.forEach(p -> out.add(p.postId()));
        return out;
    }

    private KafkaConsumer<String, String> consumerAtEnd() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("enable.auto.commit", "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(publishConfig.topic(), Duration.ofSeconds(10))
                .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** The post ids of the events read until every one of {@code wanted} was seen (or 60 s passed). */
    private Set<Long> eventIds(KafkaConsumer<String, String> consumer, Set<Long> wanted) throws Exception {
        Set<Long> seen = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!seen.containsAll(wanted) && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                JsonNode node = json.readTree(r.value());
                seen.add(Long.parseLong(node.get("postId").asText()));
            }
        }
        return seen;
    }
}
