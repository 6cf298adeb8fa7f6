package dev.feed.fanout.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RedisPipeline against a real three-master Redis Cluster (Debian's redis-server, which the local
 * stack installs), started by this test on free loopback ports. A fanout batch of 1,000 followers
 * spans every hash slot; with a small pool it must still go through, since the chaos run saw the
 * worker's Redis stall when each command asked the pool for a connection of its own. (The node
 * start-up mirrors feed-service's ClusterBatchTest: separate deployables, no shared test module yet.)
 */
class RedisPipelineClusterTest {
    private static final List<Process> NODES = new ArrayList<>();
    private static final List<Integer> PORTS = new ArrayList<>();
    private static Path dir;
    private static Vertx vertx;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("feed-redis-cluster");
        for (int i = 0; i < 3; i++) {
            int port = freePortWithFreeBus();
            PORTS.add(port);
            NODES.add(new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(port),
                    "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                    "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
        }
        for (int port : PORTS) {
            awaitOutput(Duration.ofSeconds(30), "PONG", "redis-cli", "-p", String.valueOf(port), "ping");
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        PORTS.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        run(create);
        awaitOutput(Duration.ofSeconds(30), "cluster_state:ok", "redis-cli", "-p", String.valueOf(PORTS.get(0)), "cluster", "info");
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        for (Process node : NODES) {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void batch_ofAThousandCommandsAcrossSlots_withASmallPool_answersEveryCommandInOrder() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(4).setMaxPoolWaiting(16);
        PORTS.forEach(p -> options.addConnectionString("redis://127.0.0.1:" + p));
        Redis redis = Redis.createClient(vertx, options);
        try {
            RedisPipeline pipeline = new RedisPipeline(redis, "cluster");
            List<Request> writes = IntStream.range(0, 1000)
                    .mapToObj(i -> Request.cmd(Command.ZADD).arg("inbox:{" + (5000 + i) + "}").arg(i).arg("p" + i))
                    .toList();
            List<Response> added = pipeline.batch(writes).await().atMost(Duration.ofSeconds(60));
            assertThat(added).hasSize(1000).allSatisfy(r -> assertThat(r.toInteger()).isEqualTo(1));

            List<Request> reads = IntStream.range(0, 1000)
                    .mapToObj(i -> Request.cmd(Command.ZSCORE).arg("inbox:{" + (5000 + i) + "}").arg("p" + i))
                    .toList();
            List<Response> scores = pipeline.batch(reads).await().atMost(Duration.ofSeconds(60));
            for (int i = 0; i < 1000; i++) {
                assertThat(scores.get(i).toInteger()).isEqualTo(i);
            }
        } finally {
            redis.close();
        }
    }

    /** A free port whose cluster bus port (port + 10000) is free too. */
    private static int freePortWithFreeBus() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair for a cluster node");
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void awaitOutput(Duration timeout, String expected, String... command) {
        Awaitility.await(String.join(" ", command) + " says " + expected).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> output(command).contains(expected));
    }

    private static String output(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
