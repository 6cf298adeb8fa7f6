package dev.feed.fanout.breaker;

import static dev.feed.fanout.support.Fixtures.count;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.dispatch.Dispatcher;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import dev.feed.fanout.support.Fixtures;
import dev.feed.fanout.support.LocalStack;
import dev.feed.fanout.support.Management;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/**
 * Redis really stopped under the worker: the Redis breaker opens (metric and readiness data), the
 * post event is neither committed nor dead-lettered while Redis is away, and once Redis is back the
 * redelivered event is fanned out to the end and the breaker closes. Redis loses its data when the
 * stack stops it, so every progress record read afterwards was written after the restart.
 * A small breaker (4 calls, 10 s open) in this profile; on a busy machine it may already be half-open
 * (trying Redis again, which fails and opens it again) when the test looks.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.SmallBreaker.class)
class RedisOutageTest {
    /** How long the worker may take to finish the fan-out once Redis is back (see the test). */
    private static final Duration RECOVERY = Duration.ofMinutes(3);

    public static class SmallBreaker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "feed.fanout.outbound.breaker-volume", "4",
                    "feed.fanout.outbound.breaker-delay", "PT10S",
                    "feed.fanout.outbound.redis-timeout", "PT2S");
        }
    }

    @Inject
    @RestClient
    FakeRelationClient relations;
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    FanoutConfig fanoutConfig;
    @Inject
    ProgressStore progress;
    @Inject
    MeterRegistry registry;
    @Inject
    ObjectMapper json;

    @Test
    void redisStopped_opensTheBreaker_keepsThePostEventUncommittedAndNotDeadLettered_andFansItOutOnceRedisIsBack() {
        long author = newId();
        long post = newId();
        List<Long> followers = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            followers.add(newId());
        }
        relations.author(author, "push", followers);
        double deadLettersBefore = count(registry, "feed.fanout.dead.letters");
        String group = fanoutConfig.groupPrefix().orElse("") + Dispatcher.GROUP;

        RecordMetadata event;
        LocalStack.stop("redis");
        try {
            event = send(kafka, topics.posts(), Long.toString(author),
                    postEvent("post.published", post, author, System.currentTimeMillis()), json);
            Fixtures.await("the Redis breaker open", () -> breakerState(Breakers.REDIS) == 2.0);
            // DOWN here: Redis's own health check; the breakers' check only reports, UP itself.
            Management.given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'circuit-breakers' }.status", org.hamcrest.Matchers.equalTo("UP"))
                    .body("checks.find { it.name == 'circuit-breakers' }.data.'fanout-redis'", org.hamcrest.Matchers.oneOf("OPEN", "HALF_OPEN"));
            Management.given().get("/q/metrics").then().statusCode(200)
                    // open (2), or half-open (1) once the short delay of this profile has passed
                    .body(org.hamcrest.Matchers.matchesPattern("(?s).*feed_fanout_breaker_state\\{breaker=\"fanout-redis\"} [12]\\.0.*"));
            assertThat(committed(group, event)).as("the dispatcher has not committed past the event").isLessThanOrEqualTo(event.offset());
        } finally {
            LocalStack.start("redis");
        }

        // The test's reads go through the same breaker: refused while it is still open, they count as "not yet".
        // Recovery waits out the consumer loops' backoff, which grew while Redis was away (up to 30 s between
        // attempts), and the breaker's half-open trials, which refuse the calls beyond the trial ones: on a busy
        // machine that took just over the fixtures' one minute (CI simulation of 2026-12-06), hence RECOVERY.
        Progress done = Awaitility.await("fanout complete after Redis is back").atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                .until(() -> progress.read(post, FanoutOp.PUSH).onFailure().recoverWithItem(Optional.empty()).await().atMost(Duration.ofSeconds(10)),
                        p -> p.map(Progress::complete).orElse(false))
                .orElseThrow();
        assertThat(done.totalBatches()).as("2500 followers in pages of 1000").isEqualTo(3L);
        assertThat(done.doneBatches()).isEqualTo(3L);
        assertThat(done.deadLetteredBatches()).isZero();
        Fixtures.awaitConsumed(kafka, group, event);
        assertThat(count(registry, "feed.fanout.dead.letters") - deadLettersBefore).as("nothing dead-lettered").isZero();
        Fixtures.await("the Redis breaker closed", () -> breakerState(Breakers.REDIS) == 0.0);
    }

    private double breakerState(String name) {
        return registry.get("feed.fanout.breaker.state").tag("breaker", name).gauge().value();
    }

    /** The group's committed offset on the event's partition; -1 when it has none yet. */
    private long committed(String group, RecordMetadata record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = kafka.admin()) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
