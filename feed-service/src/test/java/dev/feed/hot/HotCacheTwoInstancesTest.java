package dev.feed.hot;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.feed.testing.Management;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.OutboxLoader;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two feed-service instances in one JVM: the application (instance A) and a second hot-cache
 * instance B built here with its own instance id, its own Kafka consumer group and the same Redis.
 * B's loader can be told to return a wrong list once: the divergence a lost broadcast or a bug
 * would cause. The verifier of A must notice it through B's checksum in Redis, and B must repair
 * itself from the repair broadcast.
 */
@QuarkusTest
class HotCacheTwoInstancesTest {
    @Inject
    HotCache cacheA;
    @Inject
    InstanceId instanceA;
    @Inject
    HotRuntime runtimeA;
    @Inject
    ChecksumStore checksums;
    @Inject
    OutboxStore outbox;
    @Inject
    OutboxLoader loader;
    @Inject
    HotConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "feed.internal.token")
    String internalToken;

    private final String instanceB = "test-b-" + UUID.randomUUID().toString().substring(0, 8);
    /** The author whose next load by instance B goes wrong (0: none): no other author's load can take it. */
    private final AtomicLong corruptNextLoadOf = new AtomicLong();
    private HotCache cacheB;
    private HotChangeConsumer consumerB;

    @BeforeEach
    void startInstanceB() throws Exception {
        OutboxLoader real = loader; // the one instance A uses: outbox, Cassandra behind it
        OutboxLoader corruptible = (author, k) -> real.load(author, k).thenApply(refs -> {
            if (!refs.isEmpty() && corruptNextLoadOf.compareAndSet(author, 0)) {
                return refs.subList(1, refs.size()); // drops the newest post: a stale list
            }
            return refs;
        });
        cacheB = HotCacheProducer.build(config, corruptible, checksums, instanceB);
        HotNode nodeB = new HotNode(cacheB, checksums, config.maxRefsPerAuthor(), author -> { });
        consumerB = new HotChangeConsumer(bootstrap, instanceB, List.of(config.postsTopic(), config.changesTopic()),
                nodeB::handle, new SimpleMeterRegistry()).start();
        assertThat(consumerB.awaitAssigned(Duration.ofSeconds(30))).as("instance B subscribed").isTrue();
        assertThat(runtimeA.awaitConsumerAssigned(Duration.ofSeconds(30))).as("instance A subscribed").isTrue();
    }

    @AfterEach
    void stopInstanceB() {
        consumerB.close();
    }

    @Test
    void hotCache_divergedInstance_isFoundByPatrol_andRepairsItselfFromTheBroadcast() {
        long author = newAuthor();
        List<PostRef> refs = posts(author, 5);
        long outboxChecksum = ChecksumStore.outboxChecksum(refs, config.maxRefsPerAuthor());
        corruptNextLoadOf.set(author);
        cacheA.pin(author);
        cacheB.pin(author);
        eventually(() -> Long.valueOf(outboxChecksum).equals(recorded(author, instanceA.value())), "A records the outbox's checksum");
        eventually(() -> recorded(author, instanceB) != null, "B records a checksum");
        assertThat(recorded(author, instanceB)).as("B diverged").isNotEqualTo(outboxChecksum);
        long rebuildsA = cacheA.stats().rebuilds();

        Management.given().header("X-Internal-Token", internalToken).post("/admin/hot/patrol").then().statusCode(200)
                .body("divergedAuthors", hasItem(Long.toString(author)));

        eventually(() -> Long.valueOf(outboxChecksum).equals(recorded(author, instanceB)), "B repaired");
        assertThat(cacheB.peek(author).orElseThrow().refs()).containsExactlyElementsOf(newestFirst(refs));
        eventually(() -> cacheB.stats().repairs() == 1, "B counts the repair");
        assertThat(cacheB.stats().mismatches()).isEqualTo(1);
        assertThat(cacheA.stats().rebuilds()).as("the healthy instance does not rebuild on a repair").isEqualTo(rebuildsA);
    }

    @Test
    void hotCache_publishBroadcast_rebuildsEveryInstance_andVerifyAfterTheChangeRepairsADivergedOne() throws Exception {
        long author = newAuthor();
        List<PostRef> refs = posts(author, 3);
        cacheA.pin(author);
        cacheB.pin(author);
        long before = ChecksumStore.outboxChecksum(refs, config.maxRefsPerAuthor());
        eventually(() -> Long.valueOf(before).equals(recorded(author, instanceA.value()))
                && Long.valueOf(before).equals(recorded(author, instanceB)), "both loaded");

        refs.addAll(posts(author, 1));
        long after = ChecksumStore.outboxChecksum(refs, config.maxRefsPerAuthor());
        corruptNextLoadOf.set(author); // B's rebuild for this change goes wrong
        broadcast(author, "publish");

        eventually(() -> Long.valueOf(after).equals(recorded(author, instanceA.value())), "A rebuilt from the broadcast");
        eventually(() -> Long.valueOf(after).equals(recorded(author, instanceB)), "B repaired after the change was verified");
        assertThat(cacheB.peek(author).orElseThrow().refs()).containsExactlyElementsOf(newestFirst(refs));
        assertThat(cacheB.stats().repairs()).isEqualTo(1);
    }

    @Test
    void admin_authorView_showsEntryVersionAndChecksumPerInstance() {
        long author = newAuthor();
        List<PostRef> refs = posts(author, 2);
        cacheA.pin(author);
        cacheB.pin(author);
        long sum = ChecksumStore.outboxChecksum(refs, config.maxRefsPerAuthor());
        eventually(() -> Long.valueOf(sum).equals(recorded(author, instanceB))
                && Long.valueOf(sum).equals(recorded(author, instanceA.value())), "both loaded");
        String hex = String.format("%016x", sum);

        Management.given().header("X-Internal-Token", internalToken).get("/admin/hot/authors/" + author).then().statusCode(200)
                .body("resident", equalTo(true))
                .body("entry.version", equalTo(1))
                .body("entry.checksum", equalTo(hex))
                .body("entry.refs[0].postId", equalTo(Long.toString(newestFirst(refs).get(0).postId())))
                .body("outboxChecksum", equalTo(hex))
                .body("instances." + instanceB + ".matchesOutbox", equalTo(true))
                .body("instances." + instanceA.value() + ".checksum", equalTo(hex));
        Management.given().get("/admin/hot/authors/" + author).then().statusCode(401);
        Management.given().header("X-Internal-Token", internalToken).get("/admin/hot/authors/x").then().statusCode(400);
    }

    // ---- helpers ----

    private List<PostRef> posts(long author, int n) {
        List<PostRef> refs = new ArrayList<>();
        long base = System.currentTimeMillis() - ThreadLocalRandom.current().nextInt(1_000_000);
        outbox.warm(Map.of(author, List.of()), java.util.Set.of(author)).await().indefinitely(); // an author with no posts yet
        for (int i = 0; i < n; i++) {
            PostRef ref = new PostRef(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), base + i);
            outbox.push(author, ref).await().indefinitely();
            refs.add(ref);
        }
        return refs;
    }

    private Long recorded(long author, String instance) {
        Map<String, ChecksumStore.Recorded> all = checksums.states(List.of(author), config.maxRefsPerAuthor())
                .await().indefinitely().get(0).instances();
        ChecksumStore.Recorded r = all.get(instance);
        return r == null ? null : r.checksum();
    }

    private void broadcast(long author, String reason) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String event = new ObjectMapper().createObjectNode()
                .put("eventId", UUID.randomUUID().toString()).put("type", "hotcache.changed").put("version", 1)
                .put("occurredAt", java.time.Instant.now().toString()).put("authorId", Long.toString(author))
                .put("reason", reason).toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(config.changesTopic(), Long.toString(author), event), (m, e) -> {
                if (e != null) {
                    sent.completeExceptionally(e);
                } else {
                    sent.complete(null);
                }
            });
            sent.get();
        }
    }

    private static List<PostRef> newestFirst(List<PostRef> refs) {
        List<PostRef> sorted = new ArrayList<>(refs);
        sorted.sort(null);
        return sorted;
    }

    private static long newAuthor() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    private static void eventually(BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }
}
