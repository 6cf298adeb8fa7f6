package dev.feed.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch spanning hash slots against a real three-master Redis Cluster (Debian's redis-server,
 * which the local stack installs), started by this test on free loopback ports. The chaos run found
 * that the cluster client refuses such a batch (CROSSSLOT), which made every timeline read of a
 * follower of two pull-tier authors a 500 on Redis Cluster.
 */
class ClusterBatchTest {
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
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        for (Process node : NODES) {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void batch_acrossHashSlots_onCluster_answersEveryRequestInOrder() throws Exception {
        Redis client = clusterClient();
        EventLoopRedis redis = new EventLoopRedis(Map.of(), client, true);
        try {
            List<Request> writes = IntStream.range(0, 50)
                    .mapToObj(i -> Request.cmd(Command.ZADD).arg("outbox:{" + (1000 + i) + "}").arg(i).arg("p" + i))
                    .toList();
            List<Response> added = await(redis.batch(writes));
            assertThat(added).hasSize(50).allSatisfy(r -> assertThat(r.toInteger()).isEqualTo(1));

            List<Request> reads = IntStream.range(0, 50)
                    .mapToObj(i -> Request.cmd(Command.ZRANGE).arg("outbox:{" + (1000 + i) + "}").arg(0).arg(-1))
                    .toList();
            List<Response> read = await(redis.batch(reads));
            for (int i = 0; i < 50; i++) {
                assertThat(read.get(i).get(0).toString()).isEqualTo("p" + i);
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void plainClusterClient_refusesTheSameBatch_whichIsWhyTheRouterSendsEach() {
        Redis client = clusterClient();
        try {
            List<Request> reads = IntStream.range(0, 20)
                    .mapToObj(i -> Request.cmd(Command.ZRANGE).arg("outbox:{" + (2000 + i) + "}").arg(0).arg(-1))
                    .toList();
            assertThatThrownBy(() -> await(client.batch(reads))).hasMessageContaining("CROSSSLOT");
        } finally {
            client.close();
        }
    }

    private static Redis clusterClient() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(8).setMaxPoolWaiting(64);
        PORTS.forEach(p -> options.addConnectionString("redis://127.0.0.1:" + p));
        return Redis.createClient(vertx, options);
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
