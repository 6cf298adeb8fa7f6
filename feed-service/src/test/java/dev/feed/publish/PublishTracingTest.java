package dev.feed.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.InMemorySpans;
import dev.feed.testing.Tokens;
import dev.feed.testing.TracingOn;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/** A publish's trace leaves with its Kafka event: the fanout-worker continues it from the traceparent header. */
@QuarkusTest
@TestProfile(TracingOn.class)
class PublishTracingTest {
    @Inject
    PublishConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    InMemorySpanExporter spans;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void publish_carriesTraceContextInKafkaHeaders() throws Exception {
        QuarkusMock.installMockForType(new FakeRelation().client(), RelationClient.class, RestClient.LITERAL);
        long author = Tokens.newUserId();
        try (KafkaConsumer<String, String> consumer = consumerAtEnd()) {
            String postId = given().auth().oauth2(Tokens.token(author)).contentType(ContentType.JSON)
                    .body("{\"text\":\"traced\"}").post("/v1/posts").then().statusCode(201).extract().path("id");

            ConsumerRecord<String, String> event = awaitEvent(consumer, postId);
            Header header = event.headers().lastHeader("traceparent");
            assertThat(header).as("traceparent header on the post event").isNotNull();
            String[] traceparent = new String(header.value(), StandardCharsets.UTF_8).split("-");
            assertThat(traceparent).hasSize(4);

            SpanData server = InMemorySpans.await(spans, "server span of the POST",
                    s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST /v1/posts")
                            && s.getTraceId().equals(traceparent[1]));
            SpanData producer = InMemorySpans.await(spans, "producer span",
                    s -> s.getKind() == SpanKind.PRODUCER && s.getTraceId().equals(server.getTraceId()));
            assertThat(producer.getName()).isEqualTo(config.topic() + " publish");
            assertThat(traceparent[2]).as("the record's parent is the producer span").isEqualTo(producer.getSpanId());
            assertThat(producer.getParentSpanId()).as("the producer span is the request's child").isEqualTo(server.getSpanId());
        }
    }

    private KafkaConsumer<String, String> consumerAtEnd() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
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

    private ConsumerRecord<String, String> awaitEvent(KafkaConsumer<String, String> consumer, String postId) {
        return Awaitility.await("post event " + postId + " on " + config.topic()).atMost(Duration.ofSeconds(20)).pollInSameThread()
                .until(() -> {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        if (postId.equals(json.readTree(r.value()).path("postId").asText())) {
                            return r;
                        }
                    }
                    return null;
                }, found -> found != null);
    }
}
