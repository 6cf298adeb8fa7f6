package dev.feed.fanout.batch;

import dev.feed.fanout.inbox.FanoutOp;
import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.count;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.FanoutWorker;
import dev.feed.fanout.FanoutWorker.Stage;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.ConsumerLag;
import dev.feed.fanout.kafka.ConsumerLoop;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/**
 * A batch worker dies in the middle of a 10k-follower fanout, after writing some batches it never
 * committed; another takes over. Every active follower must end up with the post, once.
 */
@QuarkusTest
class KilledWorkerTest {
    private static final int FOLLOWERS = 10_000;

    @Inject
    FanoutWorker worker;
    @Inject
    BatchWorker batchWorker;
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
    MeterRegistry registry;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;

    @Test
    void workerKilledMidFanout_thenRestarted_everyActiveFollowerHasThePostOnce() throws Exception {
        long author = newId();
        long post = newId();
        List<Long> followers = new ArrayList<>(FOLLOWERS);
        List<Long> active = new ArrayList<>();
        for (int i = 0; i < FOLLOWERS; i++) {
            long follower = newId();
            followers.add(follower);
            if (i % 4 == 0) {
                active.add(follower);
            }
        }
        relations.author(author, "push", followers);
        activateAll(active);
        double deliveriesBefore = count(registry, "feed.fanout.deliveries");
        double okBefore = count(registry, "feed.fanout.batches", "op", "push", "result", "ok");

        worker.stop(Stage.BATCH);
        try {
            send(kafka, topics.posts(), Long.toString(author),
                    postEvent("post.published", post, author, System.currentTimeMillis()), json);
            runDoomedWorker(3);
        } finally {
            worker.start(Stage.BATCH);
        }
        Progress done = awaitComplete(() -> progress.read(post, dev.feed.fanout.inbox.FanoutOp.PUSH).await().indefinitely());

        assertThat(done.totalBatches()).isEqualTo(10L);
        assertThat(done.doneBatches()).as("batch indexes counted once despite redelivery").isEqualTo(10L);
        assertThat(count(registry, "feed.fanout.batches", "op", "push", "result", "ok"))
                .as("the killed worker's uncommitted batches were worked again")
                .isGreaterThan(okBefore + 10);
        assertThat(count(registry, "feed.fanout.deliveries"))
                .as("one insertion per active follower, however often a batch ran")
                .isEqualTo(deliveriesBefore + active.size());
        assertThat(scores(active, post)).as("every active follower has the post").doesNotContainNull();
        assertThat(existing(followers)).as("only active followers have an inbox").isEqualTo(active.size());
    }

    /**
     * A second member of the batch group that writes batches normally but dies (no commit, no
     * clean leave of its work) once it has written {@code killAfter} batches: like a process kill
     * between the Redis writes and the offset commit.
     */
    private void runDoomedWorker(int killAfter) throws InterruptedException {
        AtomicInteger written = new AtomicInteger();
        CountDownLatch killed = new CountDownLatch(1);
        var config = kafka.consumerConfig(worker.group(BatchWorker.GROUP), 2);
        ConsumerLoop doomed = new ConsumerLoop("doomed-batch-worker", config, List.of(topics.fanoutBatches()),
                records -> batchWorker.handle(records).invoke(() -> {
                    if (written.addAndGet(records.count()) >= killAfter) {
                        killed.countDown();
                        throw new IllegalStateException("simulated kill after " + written.get() + " batches");
                    }
                }),
                new ConsumerLag(new SimpleMeterRegistry(), "doomed-batch-worker", List.of(topics.fanoutBatches())));
        doomed.start();
        try {
            assertThat(killed.await(60, TimeUnit.SECONDS)).as("the doomed worker got batches").isTrue();
        } finally {
            doomed.stop(Duration.ofSeconds(30));
        }
    }

    private void activateAll(List<Long> users) {
        for (long user : users) {
            activate(redis, user, inboxConfig.ttl());
        }
    }

    private List<Double> scores(List<Long> users, long post) {
        List<Request> zscores = new ArrayList<>();
        for (long user : users) {
            zscores.add(Request.cmd(Command.ZSCORE).arg(InboxStore.key(user)).arg(post));
        }
        List<Double> out = new ArrayList<>();
        for (Response r : redis.batch(zscores).await().indefinitely()) {
            out.add(r == null ? null : r.toDouble());
        }
        return out;
    }

    private int existing(List<Long> users) {
        List<Request> exists = new ArrayList<>();
        for (long user : users) {
            exists.add(Request.cmd(Command.EXISTS).arg(InboxStore.key(user)));
        }
        int n = 0;
        for (Response r : redis.batch(exists).await().indefinitely()) {
            n += r.toInteger();
        }
        return n;
    }
}
