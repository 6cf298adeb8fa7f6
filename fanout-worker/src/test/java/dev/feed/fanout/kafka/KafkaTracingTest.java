package dev.feed.fanout.kafka;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import dev.feed.fanout.support.InMemorySpans;
import dev.feed.fanout.support.TracingOn;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/** The raw Kafka clients carry the trace: feed.posts header -> dispatcher span -> batch task header -> batch span. */
@QuarkusTest
@TestProfile(TracingOn.class)
class KafkaTracingTest {
    @Inject
    @RestClient
    FakeRelationClient relations;
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    ProgressStore progress;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;
    @Inject
    InMemorySpanExporter spans;

    @Test
    void dispatch_continuesTraceFromKafkaHeaders() throws Exception {
        long author = newId();
        long post = newId();
        List<Long> followers = List.of(newId(), newId(), newId());
        relations.author(author, "push", followers);
        activate(redis, followers.get(0), inboxConfig.ttl());
        String traceId = hex(16);
        String publishSpanId = hex(8);

        ProducerRecord<String, String> event = postRecord(post, author);
        event.headers().add("traceparent", ("00-" + traceId + "-" + publishSpanId + "-01").getBytes(StandardCharsets.UTF_8));
        kafka.send(event).await().atMost(Duration.ofSeconds(30));
        awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        SpanData dispatch = InMemorySpans.await(spans, "dispatcher span",
                s -> s.getTraceId().equals(traceId) && s.getName().equals(topics.posts() + " process"));
        assertThat(dispatch.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(dispatch.getParentSpanId()).as("child of the publisher's span").isEqualTo(publishSpanId);
        assertThat(dispatch.getParentSpanContext().isRemote()).isTrue();
        assertThat(dispatch.getAttributes().get(AttributeKey.stringKey("messaging.kafka.message.key")))
                .isEqualTo(Long.toString(author));

        SpanData batch = InMemorySpans.await(spans, "batch worker span",
                s -> s.getTraceId().equals(traceId) && s.getName().equals(topics.fanoutBatches() + " process"));
        assertThat(batch.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(batch.getParentSpanId()).as("child of the dispatch that produced the task").isEqualTo(dispatch.getSpanId());
    }

    @Test
    void dispatch_ofAnEventWithoutTraceHeaders_startsANewTrace() throws Exception {
        long author = newId();
        long post = newId();
        relations.author(author, "push", List.of(newId()));

        kafka.send(postRecord(post, author)).await().atMost(Duration.ofSeconds(30));
        awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        SpanData dispatch = InMemorySpans.await(spans, "dispatcher span of the untraced event",
                s -> s.getName().equals(topics.posts() + " process")
                        && Long.toString(author).equals(s.getAttributes().get(AttributeKey.stringKey("messaging.kafka.message.key"))));
        assertThat(dispatch.getParentSpanContext().isValid()).as("a root span").isFalse();
        InMemorySpans.await(spans, "batch span in the new trace",
                s -> s.getTraceId().equals(dispatch.getTraceId()) && s.getParentSpanId().equals(dispatch.getSpanId()));
    }

    private ProducerRecord<String, String> postRecord(long post, long author) throws Exception {
        return new ProducerRecord<>(topics.posts(), Long.toString(author),
                json.writeValueAsString(postEvent("post.published", post, author, System.currentTimeMillis())));
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeros, which W3C reads as "no trace"
        return HexFormat.of().formatHex(b);
    }
}
