package dev.feed.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, started as production starts it (no profile set: prod), refuses to start without
 * a usable internal token: the startup check is wired in, not only written. A start that succeeded
 * would still be running at the deadline; that counts as a failure too.
 */
class ProductionTokenIT {
    @Test
    void production_withoutInternalToken_refusesToStart() throws Exception {
        Started run = start(null);
        assertThat(run.exitCode()).as("exit code (log: %s)", run.log()).isNotZero();
        assertThat(run.log()).contains("FEED_INTERNAL_TOKEN is not set");
    }

    @Test
    void production_withTheDevDefaultToken_refusesToStart() throws Exception {
        Started run = start("local-internal-token");
        assertThat(run.exitCode()).as("exit code (log: %s)", run.log()).isNotZero();
        assertThat(run.log()).contains("dev profiles' default");
    }

    private record Started(int exitCode, String log) {
    }

    private static Started start(String token) throws Exception {
        Path log = Files.createTempFile("feed-service-prod-token", ".log");
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package runs before the ITs)").exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.remove("FEED_INTERNAL_TOKEN");
        env.remove("QUARKUS_PROFILE");
        env.putAll(Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(freePort()),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(freePort()),
                "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
                "FEED_REDIS_URL", "redis://127.0.0.1:" + envOr("FEED_REDIS_PORT", "16379") + "/1",
                "FEED_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + envOr("FEED_CASSANDRA_PORT", "19042"),
                "FEED_CASSANDRA_KEYSPACE", "feed_test",
                "FEED_KAFKA_BOOTSTRAP", "127.0.0.1:" + envOr("FEED_KAFKA_PORT", "19092"),
                "FEED_JWT_PUBLIC_KEY", Path.of("src/test/resources/test-jwt-public.pem").toAbsolutePath().toString(),
                "FEED_LOG_JSON", "false"));
        if (token != null) {
            env.put("FEED_INTERNAL_TOKEN", token);
        }
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        try {
            boolean exited = process.waitFor(120, TimeUnit.SECONDS);
            String text = Files.readString(log);
            assertThat(exited).as("the service exited by itself (log: %s)", text).isTrue();
            return new Started(process.exitValue(), text);
        } finally {
            process.destroyForcibly();
            process.onExit().get();
            Files.deleteIfExists(log);
        }
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
