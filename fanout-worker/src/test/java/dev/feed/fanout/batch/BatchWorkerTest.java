package dev.feed.fanout.batch;

import dev.feed.fanout.inbox.FanoutOp;
import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.await;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.count;
import static dev.feed.fanout.support.Fixtures.exists;
import static dev.feed.fanout.support.Fixtures.members;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.TopicReader.awaitRecord;
import static dev.feed.fanout.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BatchWorkerTest {
    private static final long CREATED_AT = 1_700_000_000_000L;

    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    ProgressStore progress;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    FanoutConfig fanoutConfig;
    @Inject
    MeterRegistry registry;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;

    @Test
    void push_inactiveFollower_getsNothing() {
        long active = newId();
        long inactive = newId();
        activate(redis, active, inboxConfig.ttl());
        long post = newId();

        emit(FanoutBatch.of(FanoutOp.PUSH, post, newId(), CREATED_AT, 0, List.of(active, inactive)));
        awaitBatchDone(post, FanoutOp.PUSH, 1);

        assertThat(members(redis, InboxStore.key(active))).containsExactly("0", Long.toString(post));
        assertThat(exists(redis, InboxStore.key(inactive))).isFalse();
    }

    @Test
    void push_redeliveredBatch_changesNothing() {
        List<Long> followers = List.of(newId(), newId(), newId());
        followers.forEach(f -> activate(redis, f, inboxConfig.ttl()));
        long post = newId();
        FanoutBatch batch = FanoutBatch.of(FanoutOp.PUSH, post, newId(), CREATED_AT, 0, followers);
        double deliveriesBefore = count(registry, "feed.fanout.deliveries");
        double okBefore = count(registry, "feed.fanout.batches", "op", "push", "result", "ok");

        emit(batch);
        emit(batch);
        await("both deliveries worked", () -> count(registry, "feed.fanout.batches", "op", "push", "result", "ok") >= okBefore + 2);

        for (long follower : followers) {
            assertThat(members(redis, InboxStore.key(follower))).containsExactly("0", Long.toString(post));
            long ttl = redis.send(Request.cmd(Command.TTL).arg(InboxStore.key(follower))).await().indefinitely().toLong();
            assertThat(ttl).as("the push keeps the reader's activity TTL").isPositive();
        }
        Progress p = progress.read(post, FanoutOp.PUSH).await().indefinitely().orElseThrow();
        assertThat(p.doneBatches()).as("a redelivered batch is not counted twice").isEqualTo(1);
        assertThat(count(registry, "feed.fanout.deliveries")).as("insertions, not attempts")
                .isEqualTo(deliveriesBefore + followers.size());
    }

    @Test
    void push_intoFullInbox_trimsToExactlyMaxEntries() {
        long follower = newId();
        activate(redis, follower, inboxConfig.ttl());
        int max = inboxConfig.maxEntries();
        List<Request> fill = new ArrayList<>();
        for (int i = 1; i <= max; i++) {
            fill.add(Request.cmd(Command.ZADD).arg(InboxStore.key(follower)).arg(CREATED_AT + i).arg(Long.toString(1000L + i)));
        }
        redis.batch(fill).await().indefinitely();
        long post = newId();

        emit(FanoutBatch.of(FanoutOp.PUSH, post, newId(), CREATED_AT + max + 1, 0, List.of(follower)));
        awaitBatchDone(post, FanoutOp.PUSH, 1);

        List<String> inbox = members(redis, InboxStore.key(follower));
        assertThat(inbox).hasSize(max).endsWith(Long.toString(post)).doesNotContain("0", "1001");
    }

    @Test
    void unpush_removesThePostFromInboxes_andCreatesNone() {
        long reader = newId();
        long inactive = newId();
        activate(redis, reader, inboxConfig.ttl());
        long post = newId();
        long kept = newId();
        emit(FanoutBatch.of(FanoutOp.PUSH, kept, newId(), CREATED_AT, 0, List.of(reader)));
        emit(FanoutBatch.of(FanoutOp.PUSH, post, newId(), CREATED_AT + 1, 0, List.of(reader)));
        awaitBatchDone(kept, FanoutOp.PUSH, 1);
        awaitBatchDone(post, FanoutOp.PUSH, 1);

        emit(FanoutBatch.of(FanoutOp.UNPUSH, post, newId(), CREATED_AT + 1, 0, List.of(reader, inactive)));
        awaitBatchDone(post, FanoutOp.UNPUSH, 1);

        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", Long.toString(kept));
        assertThat(exists(redis, InboxStore.key(inactive))).isFalse();
    }

    @Test
    void batch_thatKeepsFailing_goesToTheDeadLetterTopic_afterMaxAttempts() {
        long broken = newId();
        // A non-ZSET value under an inbox key makes every attempt fail with WRONGTYPE.
        redis.send(Request.cmd(Command.SET).arg(InboxStore.key(broken)).arg("not-a-zset").arg("EX").arg(600))
                .await().indefinitely();
        long post = newId();
        FanoutBatch batch = FanoutBatch.of(FanoutOp.PUSH, post, newId(), CREATED_AT, 0, List.of(broken));
        double retriesBefore = count(registry, "feed.fanout.retries");
        double deadBefore = count(registry, "feed.fanout.dead.letters");

        emit(batch);
        ConsumerRecord<String, String> dead = awaitRecord(kafka, topics.fanoutDlq(), r -> batch.key().equals(r.key()));

        assertThat(dead.value()).isEqualTo(batch.toJson(json));
        assertThat(header(dead, "x-attempts")).contains(Integer.toString(fanoutConfig.maxAttempts()));
        assertThat(header(dead, "x-error-message")).hasValueSatisfying(m -> assertThat(m).contains("WRONGTYPE"));
        assertThat(header(dead, "x-original-topic")).contains(topics.fanoutBatches());
        assertThat(count(registry, "feed.fanout.retries")).isGreaterThanOrEqualTo(retriesBefore + fanoutConfig.maxAttempts() - 1);
        await("dead letter counted", () -> count(registry, "feed.fanout.dead.letters") >= deadBefore + 1);
        await("dead letter shown in the progress", () -> progress.read(post, FanoutOp.PUSH).await().indefinitely()
                .map(p -> p.deadLetteredBatches() == 1).orElse(false));
        Progress p = progress.read(post, FanoutOp.PUSH).await().indefinitely().orElseThrow();
        assertThat(p.doneBatches()).isZero();
        assertThat(p.complete()).isFalse();
    }

    @Test
    void malformedBatch_goesToTheDeadLetterTopic_withoutRetries() {
        String key = "malformed:" + newId();

        kafka.send(new ProducerRecord<>(topics.fanoutBatches(), key, "{\"type\":\"fanout.batch\",")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, String> dead = awaitRecord(kafka, topics.fanoutDlq(), r -> key.equals(r.key()));

        assertThat(header(dead, "x-attempts")).contains("1");
    }

    private void emit(FanoutBatch batch) {
        kafka.send(new ProducerRecord<>(topics.fanoutBatches(), batch.key(), batch.toJson(json))).await().atMost(Duration.ofSeconds(30));
    }

    private void awaitBatchDone(long post, FanoutOp op, long batches) {
        await("batches done", () -> progress.read(post, op).await().indefinitely().map(p -> p.doneBatches() >= batches).orElse(false));
    }
}
