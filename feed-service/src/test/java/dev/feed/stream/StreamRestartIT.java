package dev.feed.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.feed.testing.SseClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real feed-service processes (the packaged jar) on the test stores. A reader's stream on
 * instance B carries posts published on instance A (delivery across replicas); B is then killed
 * (SIGKILL, no shutdown), posts are published on A while B is down, B is started again, and the
 * client resumes on B with its Last-Event-ID: every post it missed comes, oldest first, then the
 * stream is live again; nothing lost, nothing twice.
 */
class StreamRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long READER = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    private static final long AUTHOR = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    private static HttpServer relation;
    private static final List<Instance> instances = new ArrayList<>();

    record Instance(String id, int port, int managementPort, Process process, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        /** Health, metrics and /admin/: the management interface. */
        String management(String path) {
            return "http://127.0.0.1:" + managementPort + path;
        }
    }

    @BeforeAll
    static void startTwoInstances() throws Exception {
        relation = fakeRelation();
        instances.add(start("stream-a-" + RUN, freePort(), freePort()));
        instances.add(start("stream-b-" + RUN, freePort(), freePort()));
        instances.forEach(StreamRestartIT::awaitReady);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Instance i : instances) {
            i.process().destroy();
        }
        for (Instance i : instances) {
            i.process().onExit().get();
            Files.deleteIfExists(i.log());
        }
        if (relation != null) {
            relation.stop(0);
        }
    }

    @Test
    void stream_onAnotherInstance_carriesThePost_andAfterThatInstanceIsKilled_resumesWithNothingLost() throws Exception {
        Instance a = instances.get(0);
        Instance b = instances.get(1);
        String last;
        try (SseClient stream = SseClient.open(URI.create(b.url("/v1/timeline/stream")), token(READER), null)) {
            assertThat(stream.status()).isEqualTo(200);
            // B's consumer joins its group after startup: publish on A until B's stream carries one.
            String probe = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (probe == null && System.nanoTime() < deadline) {
                String id = publish(a, "published on A");
                SseClient.Event e = stream.next(Duration.ofSeconds(5));
                for (; e != null; e = stream.next(Duration.ofSeconds(1))) {
                    if (e.id().endsWith("." + id)) {
                        probe = e.id();
                    }
                }
            }
            assertThat(probe).as("a post published on A reaches a stream on B").isNotNull();
            last = probe;
        }

        instances.set(1, b = kill(b));
        assertThat(b.process().isAlive()).isFalse();
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(publish(a, "while B was down " + i));
        }
        Instance restarted = start(b.id(), b.port(), b.managementPort());
        instances.set(1, restarted);
        awaitReady(restarted);

        try (SseClient resumed = SseClient.open(URI.create(restarted.url("/v1/timeline/stream")), token(READER), last)) {
            assertThat(resumed.status()).isEqualTo(200);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < missed.size(); i++) {
                SseClient.Event e = resumed.next(WAIT);
                assertThat(e).as("replayed post %d of %d", i + 1, missed.size()).isNotNull();
                got.add(e.id().substring(e.id().indexOf('.') + 1));
            }
            assertThat(got).as("every post published while B was down, oldest first").containsExactlyElementsOf(missed);
            String live = publish(a, "live again");
            List<String> after = new ArrayList<>();
            for (SseClient.Event e = resumed.next(WAIT); e != null; e = resumed.next(Duration.ofSeconds(3))) {
                after.add(e.id().substring(e.id().indexOf('.') + 1));
            }
            assertThat(after).as("live after the replay, no repeat").containsExactly(live);
        }
    }

    // ---- the processes ----

    private static Instance kill(Instance i) throws Exception {
        i.process().destroyForcibly();
        i.process().onExit().get();
        return i;
    }

    private static void awaitReady(Instance i) {
        await("instance " + i.id() + " ready (log: " + i.log() + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> i.process().isAlive() && get(i.management("/q/health/ready")).statusCode() == 200);
    }

    private static Instance start(String id, int port, int managementPort) throws IOException {
        Path log = Files.createTempFile("feed-service-" + id, ".log");
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package runs before the ITs)").exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "FEED_INSTANCE_ID", id,
                "FEED_REDIS_URL", "redis://127.0.0.1:" + envOr("FEED_REDIS_PORT", "16379") + "/1",
                "FEED_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + envOr("FEED_CASSANDRA_PORT", "19042"),
                "FEED_CASSANDRA_KEYSPACE", "feed_test",
                "FEED_KAFKA_BOOTSTRAP", "127.0.0.1:" + envOr("FEED_KAFKA_PORT", "19092"),
                "FEED_RELATION_URL", "http://127.0.0.1:" + relation.getAddress().getPort(),
                "FEED_JWT_PUBLIC_KEY", Path.of("src/test/resources/test-jwt-public.pem").toAbsolutePath().toString(),
                "FEED_WORKER_ID", Integer.toString(ThreadLocalRandom.current().nextInt(900, 1024))));
        env.putAll(Map.of(
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
                // production has no default token: the jar refuses to start without one
                "FEED_INTERNAL_TOKEN", "stream-restart-it-token",
                "FEED_LOG_JSON", "false"));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new Instance(id, port, managementPort, pb.start(), log);
    }

    /** relation-service for these instances: the reader follows the author, pull tier (read from its outbox, no fanout needed). */
    private static HttpServer fakeRelation() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/users/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/followees")) {
                boolean reader = path.equals("/internal/v1/users/" + READER + "/followees");
                respond(exchange, reader ? "{\"push\":[],\"pull\":[\"" + AUTHOR + "\"]}" : "{\"push\":[],\"pull\":[]}");
            } else if (path.endsWith("/hidden-authors")) {
                respond(exchange, "{\"blocked\":[],\"blockedBy\":[],\"muted\":[]}");
            } else if (path.endsWith("/lookup")) {
                exchange.getRequestBody().readAllBytes();
                respond(exchange, "{\"items\":[]}");
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String publish(Instance i, String text) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(i.url("/v1/posts"))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token(AUTHOR))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", text)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode post = JSON.readTree(r.body());
        return post.path("id").asText();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** RS256, signed with the test key the services are given the public half of. */
    private static String token(long userId) throws Exception {
        String pem = Files.readString(Path.of("src/test/resources/test-jwt-private.pem"));
        byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        long now = Instant.now().getEpochSecond();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"https://feed.local\",\"aud\":\"feed\",\"sub\":\"" + userId + "\",\"upn\":\"" + userId
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 900) + "}").getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(key);
        sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(sig.sign());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
