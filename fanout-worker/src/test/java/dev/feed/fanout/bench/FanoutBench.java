package dev.feed.fanout.bench;

import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fanout figures, off by default (they take a minute and want a quiet machine):
 * {@code ./mvnw -pl fanout-worker verify -Dtest=FanoutBench -Dfeed.bench=true}. Writes only
 * Redis db 1 (test keys, deleted after) and the test topics. See perf/fanout/README.md.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "feed.bench", matches = "true")
class FanoutBench {
    private static final int INBOXES = 100_000;
    private static final int BATCH = 1000;
    private static final int BATCHES = Integer.getInteger("feed.bench.batches", 1000);
    private static final int CONCURRENCY = Integer.getInteger("feed.bench.concurrency", 16);

    @Inject
    InboxStore inboxes;
    @Inject
    Redis redis;
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
    ObjectMapper json;

    /** Inbox insertions/s by pushToActive on 1000-inbox batches, next to raw pipelined ZADD by redis-benchmark. */
    @Test
    void deliveryThroughput_againstRawPipelinedZadd() throws Exception {
        List<Long> users = activeInboxes(INBOXES);
        try {
            pushBatches(users, 50, 8);
            double cpu0 = redisCpuSeconds();
            long t0 = System.nanoTime();
            long inserted = pushBatches(users, BATCHES, CONCURRENCY);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double workerCpu = redisCpuSeconds() - cpu0;
            double worker = inserted / seconds;
            double cpu1 = redisCpuSeconds();
            double raw = rawZadd();
            double rawCpu = redisCpuSeconds() - cpu1;
            System.out.printf("%nBENCH delivery: pushToActive %d batches x %d inboxes, %d in flight, keys-per-call %s: "
                            + "%,.0f insertions/s (%d in %.2f s), Redis CPU %.2f us/insertion%n",
                    BATCHES, BATCH, CONCURRENCY, System.getProperty("feed.inbox.keys-per-call", "100"), worker, inserted, seconds,
                    workerCpu * 1e6 / inserted);
            System.out.printf("BENCH delivery: raw redis-benchmark pipelined ZADD (-P 1000, random keys): %,.0f ZADD/s, "
                    + "Redis CPU %.2f us/ZADD%n", raw, rawCpu * 1e6 / 2_000_000);
            System.out.printf("BENCH delivery: ratio worker/raw = %.2f%n%n", worker / raw);
        } finally {
            deleteKeys(users);
            unlinkMatching("bench:raw:*");
        }
    }

    /** Publish (createdAt) to last batch done, through Kafka, for a 10k-follower author with a quarter active. */
    @Test
    void fanoutLatency_10kFollowers() {
        latency(10_000, 4, Integer.getInteger("feed.bench.posts", 30));
    }

    /** The same for 100k followers of whom 20% are active. */
    @Test
    void fanoutLatency_100kFollowers_20PercentActive() {
        latency(100_000, 5, Integer.getInteger("feed.bench.posts.large", 10));
    }

    private void latency(int followerCount, int activeOneIn, int posts) {
        long author = newId();
        List<Long> followers = new ArrayList<>(followerCount);
        List<Long> active = new ArrayList<>();
        for (int i = 0; i < followerCount; i++) {
            long f = newId();
            followers.add(f);
            if (i % activeOneIn == 0) {
                active.add(f);
            }
        }
        relations.author(author, "push", followers);
        activate(active);
        try {
            long[] lags = new long[posts];
            for (int i = 0; i < posts; i++) {
                long post = newId();
                long createdAt = System.currentTimeMillis();
                send(kafka, topics.posts(), Long.toString(author), postEvent("post.published", post, author, createdAt), json);
                Progress done = awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());
                lags[i] = done.finishedAt() - createdAt;
            }
            Arrays.sort(lags);
            System.out.printf("%nBENCH latency: %d followers, %d active, %d posts one after the other: p50 %d ms, p99 %d ms, max %d ms%n%n",
                    followerCount, active.size(), posts, lags[posts / 2], lags[Math.min(posts - 1, (int) Math.ceil(posts * 0.99) - 1)],
                    lags[posts - 1]);
        } finally {
            deleteKeys(active);
        }
    }

    private long pushBatches(List<Long> users, int batches, int concurrency) {
        Integer total = Multi.createFrom().range(0, batches)
                .onItem().transformToUni(i -> inboxes.pushToActive(randomSlice(users), newId(), System.currentTimeMillis()))
                .merge(concurrency)
                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue))
                .await().indefinitely();
        return total;
    }

    private static List<Long> randomSlice(List<Long> users) {
        List<Long> slice = new ArrayList<>(BATCH);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < BATCH; i++) {
            slice.add(users.get(random.nextInt(users.size())));
        }
        return slice;
    }

    private List<Long> activeInboxes(int n) {
        List<Long> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(newId());
        }
        activate(users);
        return users;
    }

    private void activate(List<Long> users) {
        for (int from = 0; from < users.size(); from += 1000) {
            List<Request> batch = new ArrayList<>();
            for (long user : users.subList(from, Math.min(users.size(), from + 1000))) {
                batch.add(Request.cmd(Command.ZADD).arg(InboxStore.key(user)).arg(0).arg("0"));
                batch.add(Request.cmd(Command.EXPIRE).arg(InboxStore.key(user)).arg(3600));
            }
            redis.batch(batch).await().indefinitely();
        }
    }

    private void deleteKeys(List<Long> users) {
        for (int from = 0; from < users.size(); from += 1000) {
            Request unlink = Request.cmd(Command.UNLINK);
            users.subList(from, Math.min(users.size(), from + 1000)).forEach(u -> unlink.arg(InboxStore.key(u)));
            redis.send(unlink).await().indefinitely();
        }
    }

    private void unlinkMatching(String pattern) {
        String cursor = "0";
        do {
            Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(10_000))
                    .await().indefinitely();
            cursor = page.get(0).toString();
            Request unlink = Request.cmd(Command.UNLINK);
            int n = 0;
            for (Response key : page.get(1)) {
                unlink.arg(key.toString());
                n++;
            }
            if (n > 0) {
                redis.send(unlink).await().indefinitely();
            }
        } while (!"0".equals(cursor));
    }

    /** used_cpu_user + used_cpu_sys of the Redis server. */
    private double redisCpuSeconds() {
        String info = redis.send(Request.cmd(Command.INFO).arg("cpu")).await().indefinitely().toString();
        double total = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }

    /** redis-benchmark's own figure for pipelined ZADD on random keys (db 1, same Redis, same run). */
    private static double rawZadd() throws Exception {
        String port = System.getenv().getOrDefault("FEED_REDIS_PORT", "16379");
        List<String> command = List.of("redis-benchmark", "-h", "127.0.0.1", "-p", port, "--dbnum", "1",
                "-n", "2000000", "-P", "1000", "-r", "1000000", "--csv",
                "zadd", "bench:raw:__rand_int__", "__rand_int__", "__rand_int__");
        System.out.println("BENCH running: " + String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        double rps = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] cells = line.replace("\"", "").split(",");
                if (cells.length >= 2 && cells[0].toLowerCase().startsWith("zadd")) {
                    rps = Double.parseDouble(cells[1]);
                }
            }
        }
        process.waitFor();
        if (rps < 0) {
            throw new IllegalStateException("no figure from redis-benchmark");
        }
        return rps;
    }
}
