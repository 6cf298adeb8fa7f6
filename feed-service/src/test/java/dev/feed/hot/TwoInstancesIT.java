package dev.feed.hot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * Two real feed-service processes (the packaged jar, as {@code ./feed up} runs it) with their own
 * ports and instance ids, sharing the test stores and a fake relation-service served from here.
 * Proves across processes what {@code HotCacheTwoInstancesTest} proves inside one JVM: a publish on
 * one instance reaches the other's resident entry, and a change that bypassed the broadcast (an
 * outbox write without an event: a lost message) is found by a patrol and repaired on both.
 */
class TwoInstancesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INTERNAL_TOKEN = "two-instances-it-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long READER = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    private static final long CELEBRITY = ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
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
        instances.add(start("it-a-" + RUN));
        instances.add(start("it-b-" + RUN));
        for (Instance i : instances) {
            await("instance " + i.id() + " ready (log: " + i.log() + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> i.process().isAlive() && status(get(i.management("/q/health/ready"), null)) == 200);
        }
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
    void publishOnOneInstance_reachesTheOther_andALostBroadcastIsRepairedByPatrol() throws Exception {
        Instance a = instances.get(0);
        Instance b = instances.get(1);
        // The reader's first page on each instance pins the pull-tier celebrity there.
        for (Instance i : instances) {
            assertThat(status(get(i.url("/v1/timeline?limit=20"), token(READER)))).isEqualTo(200);
            await("celebrity resident on " + i.id()).atMost(Duration.ofSeconds(20))
                    .until(() -> author(i).path("resident").asBoolean());
        }

        String published = publish(a, "hello from instance A");

        for (Instance i : List.of(a, b)) {
            await("the post reached " + i.id() + "'s resident entry").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> entryIds(author(i)).contains(published));
        }
        await("both instances' checksums match the outbox").atMost(Duration.ofSeconds(30))
                .until(() -> matchesOutbox(author(a), a.id(), b.id()));

        // A post id written straight into the outbox: the change every instance missed.
        long lostId = Long.parseLong(published) + 1;
        redis("ZADD", "outbox:{" + CELEBRITY + "}", Long.toString(System.currentTimeMillis()), Long.toString(lostId));
        assertThat(matchesOutbox(author(a), a.id(), b.id())).as("the lost change is visible as a mismatch").isFalse();

        HttpResponse<String> patrolled = post(a.management("/admin/hot/patrol"), null, "");
        JsonNode patrol = JSON.readTree(patrolled.body());
        assertThat(patrol.path("mismatches").asInt()).as("patrol answer %s %s", patrolled.statusCode(), patrolled.body()).isGreaterThan(0);
        assertThat(patrol.path("divergedAuthors").toString()).contains(Long.toString(CELEBRITY));

        for (Instance i : List.of(a, b)) {
            await(i.id() + " repaired from the re-broadcast").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> entryIds(author(i)).contains(Long.toString(lostId)));
        }
        await("both checksums match the outbox again").atMost(Duration.ofSeconds(30))
                .until(() -> matchesOutbox(author(b), a.id(), b.id()));
    }

    // ---- the two processes ----

    private static Instance start(String id) throws IOException {
        int port = freePort();
        int managementPort = freePort();
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
                "FEED_INTERNAL_TOKEN", INTERNAL_TOKEN));
        env.putAll(Map.of(
                "FEED_JWT_PUBLIC_KEY", Path.of("src/test/resources/test-jwt-public.pem").toAbsolutePath().toString(),
                "FEED_WORKER_ID", Integer.toString(ThreadLocalRandom.current().nextInt(900, 1024)),
                "FEED_HOT_VERIFY_DELAY", "PT0.5S",
                // the patrol is triggered by the test; a periodic one would race its assertions
                "FEED_HOT_PATROL_INTERVAL", "PT1H",
                "FEED_LOG_JSON", "false",
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "QUARKUS_MANAGEMENT_HOST", "127.0.0.1"));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new Instance(id, port, managementPort, pb.start(), log);
    }

    /** relation-service as these instances need it: the reader follows the celebrity (pull tier), hides nobody; profiles unknown. */
    private static HttpServer fakeRelation() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/users/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/followees")) {
                boolean reader = path.equals("/internal/v1/users/" + READER + "/followees");
                respond(exchange, reader ? "{\"push\":[],\"pull\":[\"" + CELEBRITY + "\"]}" : "{\"push\":[],\"pull\":[]}");
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

    // ---- HTTP and Redis helpers ----

    private static JsonNode author(Instance i) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(i.management("/admin/hot/authors/" + CELEBRITY)))
                .header("X-Internal-Token", INTERNAL_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> entryIds(JsonNode view) {
        List<String> ids = new ArrayList<>();
        view.path("entry").path("refs").forEach(ref -> ids.add(ref.path("postId").asText()));
        return ids;
    }

    private static boolean matchesOutbox(JsonNode view, String... instanceIds) {
        for (String id : instanceIds) {
            if (!view.path("instances").path(id).path("matchesOutbox").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    private static String publish(Instance i, String text) throws Exception {
        HttpResponse<String> r = post(i.url("/v1/posts"), token(CELEBRITY), JSON.writeValueAsString(Map.of("text", text)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Internal-Token", INTERNAL_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(HttpResponse<?> r) {
        return r.statusCode();
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
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}").getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(key);
        sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(sig.sign());
    }

    /** One command on the test Redis database (1), answered in RESP; enough for a ZADD. */
    private static void redis(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(envOr("FEED_REDIS_PORT", "16379")))) {
            StringBuilder cmd = new StringBuilder();
            appendCommand(cmd, "SELECT", "1");
            appendCommand(cmd, args);
            s.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String replies = readLines(in, 2);
            assertThat(replies).as("Redis replies").doesNotContain("-ERR");
        }
    }

    private static void appendCommand(StringBuilder out, String... args) {
        out.append('*').append(args.length).append("\r\n");
        for (String a : args) {
            out.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
    }

    private static String readLines(InputStream in, int lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        int seen = 0;
        while (seen < lines) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
            if (c == '\n') {
                seen++;
            }
        }
        return sb.toString();
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
