package dev.feed.publish;


import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PendingFanout;
import dev.feed.post.PostStore;
import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/**
 * Kafka unreachable at publish time (this profile points the service at a closed port), then
 * reachable (a relay over a producer on the real broker): the publish still answers 201, the
 * post is durable with its pending record, and the relay later delivers the event and clears it.
 */
@QuarkusTest
@TestProfile(PublishWithKafkaDownTest.KafkaDown.class)
class PublishWithKafkaDownTest {
    public static class KafkaDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:1",
                    "feed.publish.relay-grace", "PT0S",
                    "feed.publish.relay-interval", "PT1H",
                    "feed.publish.dispatch-timeout", "PT0.5S",
                    "quarkus.kafka.health.enabled", "false");
        }
    }

    @Inject
    PostStore posts;
    @Inject
    OutboxStore outbox;
    @Inject
    dev.feed.post.Tombstones tombstones;
    @Inject
    dev.feed.timeline.HomeInboxStore inbox;
    @Inject
    dev.feed.timeline.OutboxReader outboxReader;
    @Inject
    dev.feed.post.PostHydrator hydrator;
    @Inject
    dev.feed.timeline.HiddenAuthorsCache hiddenAuthors;
    @Inject
    PublishConfig config;
    @Inject
    RelayConfig relayConfig;
    @Inject
    dev.feed.post.IdClock ids;
    @Inject
    ObjectMapper json;
    @Inject
    KafkaTracing tracing;
    @ConfigProperty(name = "feed.test.real-kafka", defaultValue = "127.0.0.1:19092")
    String realKafka;

    @Test
    void publish_kafkaDown_is201AndDurable_thenRelayDispatchesWhenKafkaIsBack() throws Exception {
        QuarkusMock.installMockForType(new FakeRelation().client(), RelationClient.class, RestClient.LITERAL);
        long author = Tokens.newUserId();

        // A publish that waited on Kafka would never answer: the socket timeout turns that into a failure
        // (a generous bound on a busy machine, not a latency assertion).
        RestAssuredConfig answersAtAll = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 60_000).setParam("http.connection.timeout", 10_000));
        String id = given().config(answersAtAll).auth().oauth2(Tokens.token(author)).contentType(ContentType.JSON).body("{\"text\":\"kafka is down\"}")
                .post("/v1/posts").then().statusCode(201).extract().path("id");
        long postId = Long.parseLong(id);

        assertThat(posts.find(postId).await().indefinitely()).as("durable in Cassandra").isPresent();
        int shard = (int) Math.floorMod(postId, (long) config.pendingShards());
        long bucket = PostStore.pendingBucketOf(posts.findStored(postId).await().indefinitely().orElseThrow().writeTimeMicros());
        assertThat(pendingIds(bucket, shard)).as("the pending-fanout record stays until Kafka acknowledges").contains(postId);

        try (KafkaConsumer<String, String> consumer = consumerAtEnd();
                PostEventProducer realProducer = new PostEventProducer(Map.of("bootstrap.servers", realKafka), json, config, tracing)) {
            PublishService publisher = new PublishService(posts, outbox, inbox, outboxReader, realProducer, tombstones, hydrator, hiddenAuthors, config,
                    ids, new SimpleMeterRegistry());
            PendingFanoutRelay relay = new PendingFanoutRelay(posts, publisher, config, relayConfig, new SimpleMeterRegistry());

            // A pass reads a bounded number of buckets per shard from its checkpoint, which earlier
            // test runs may have left behind: passes until this post's record is relayed (bounded).
            for (int pass = 0; pass < 100 && pendingIds(bucket, shard).contains(postId); pass++) {
                relay.relayOnce().await().indefinitely();
            }

            JsonNode event = awaitEvent(consumer, id);
            assertThat(event.get("type").asText()).isEqualTo("post.published");
            assertThat(event.get("authorId").asText()).isEqualTo(Long.toString(author));
            assertThat(pendingIds(bucket, shard)).as("acknowledged, so no longer pending").doesNotContain(postId);
        }
    }

    private List<Long> pendingIds(long bucket, int shard) {
        return posts.pendingIn(bucket, shard, 10_000).await().indefinitely().records().stream().map(PendingFanout::postId).toList();
    }

    private KafkaConsumer<String, String> consumerAtEnd() {
        Properties p = new Properties();
        p.put("bootstrap.servers", realKafka);
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("enable.auto.commit", "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(config.topic(), Duration.ofSeconds(10))
                .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private JsonNode awaitEvent(KafkaConsumer<String, String> consumer, String postId) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                JsonNode node = json.readTree(r.value());
                if (postId.equals(node.get("postId").asText())) {
                    return node;
                }
            }
        }
        throw new AssertionError("post event " + postId + " never reached Kafka");
    }
}
