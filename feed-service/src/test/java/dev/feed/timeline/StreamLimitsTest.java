package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.stream.StreamHub;
import dev.feed.stream.StreamLeases;
import dev.feed.testing.LocalStack;
import dev.feed.testing.SseClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream's limits, heartbeat and idle timeout, on an instance configured small enough to reach
 * them: 3 streams per instance, 2 per user across instances (leases in the real Redis, of 3 s, renewed
 * every 1 s heartbeat tick), idle after 45 s.
 */
@QuarkusTest
@TestProfile(StreamLimitsTest.Small.class)
class StreamLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Idle timeout and Redis waits are generous: on a busy machine opening a few streams takes seconds, and an
            // idle-closed stream or a lease wait that timed out (admitted) would turn a 429 these tests expect into a 200.
            return Map.of("feed.stream.max-per-instance", "3", "feed.stream.max-per-user", "2", "feed.stream.lease-ttl", "PT3S",
                    "feed.stream.lease-timeout", "PT10S", "feed.redis.timeout", "PT10S",
                    "feed.stream.heartbeat", "PT1S", "feed.stream.idle-timeout", "PT45S");
        }
    }

    @Inject
    Fixture fx;
    @Inject
    StreamHub hub;
    @Inject
    StreamLeases leases;
    @Inject
    Redis redis;
    @Inject
    MeterRegistry registry;
    @TestHTTPResource("/v1/timeline/stream")
    URI streamUri;

    @BeforeEach
    void setUp() {
        fx.freshRelation();
    }

    @Test
    void stream_beyondTheInstanceLimit_is429_andAClosedStreamFreesItsPlace() throws Exception {
        Fixture.eventually(20_000, () -> hub.openStreams() == 0, "no stream left from another test");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SseClient c = SseClient.open(streamUri, Fixture.token(newUser()), null);
                assertThat(c.status()).isEqualTo(200);
                open.add(c);
            }
            try (SseClient refused = SseClient.open(streamUri, Fixture.token(newUser()), null)) {
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("maximum of 3 open streams");
            }
            open.remove(0).close();
            Fixture.eventually(20_000, () -> hub.openStreams() < 3, "the closed stream is released");
            try (SseClient again = SseClient.open(streamUri, Fixture.token(newUser()), null)) {
                assertThat(again.status()).isEqualTo(200);
            }
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void stream_sendsHeartbeats_andIsClosedWhenIdleLongerThanTheTimeout() throws Exception {
        Fixture.eventually(20_000, () -> hub.openStreams() == 0, "no stream left from another test");
        try (SseClient c = SseClient.open(streamUri, Fixture.token(newUser()), null)) {
            assertThat(c.status()).isEqualTo(200);
            SseClient.Event beat = c.nextAny(Duration.ofSeconds(20));
            assertThat(beat).as("a heartbeat").isNotNull();
            assertThat(beat.comment()).isEqualTo("heartbeat");
            Fixture.eventually(120_000, c::ended, "the idle stream is closed by the server");
        }
    }

    @Test
    void stream_perUserLimit_countsTheUsersStreamsOnOtherInstances_untilTheirLeasesRunOut() throws Exception {
        Fixture.eventually(20_000, () -> hub.openStreams() == 0, "no stream left from another test");
        long reader = newUser();
        // Two streams of this user held by another instance (as its StreamHub takes them), which then dies: nobody renews them.
        for (int i = 1; i <= 2; i++) {
            assertThat(leases.acquire(new StreamLeases.Lease(reader, "other-instance:" + i), 2, 3_000).await().indefinitely()).isTrue();
        }
        try (SseClient refused = SseClient.open(streamUri, Fixture.token(reader), null)) {
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isNotNull();
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.path("status").asInt()).isEqualTo(429);
            assertThat(problem.path("detail").asText()).contains("2 open streams per user");
        }
        assertThat(hub.streamsOf(reader)).as("nothing held here").isZero();
        Fixture.eventually(20_000, () -> leases.held(reader).await().indefinitely() == 0, "the dead instance's leases run out");
        try (SseClient again = SseClient.open(streamUri, Fixture.token(reader), null)) {
            assertThat(again.status()).isEqualTo(200);
        }
    }

    @Test
    void stream_holdsALeaseWhileOpen_renewedEvenAfterRedisLostIt_andReleasedOnClose() throws Exception {
        Fixture.eventually(20_000, () -> hub.openStreams() == 0, "no stream left from another test");
        long reader = newUser();
        try (SseClient c = SseClient.open(streamUri, Fixture.token(reader), null)) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(leases.held(reader).await().indefinitely()).isEqualTo(1);
            double first = leaseExpiry(reader);
            Fixture.eventually(20_000, () -> leaseExpiry(reader) > first, "the lease is renewed by the heartbeat tick");
            redis.send(Request.cmd(Command.DEL).arg(StreamLeases.key(reader))).await().indefinitely(); // Redis lost it
            Fixture.eventually(20_000, () -> leases.held(reader).await().indefinitely() == 1, "the open stream's lease is written again");
        }
        Fixture.eventually(20_000, () -> leases.held(reader).await().indefinitely() == 0, "the closed stream's lease is released");
    }

    @Test
    void stream_whenRedisIsStopped_isAdmittedOnThisInstancesPerUserCount_andItsLeasesAreWrittenOnceRedisIsBack() throws Exception {
        Fixture.eventually(20_000, () -> hub.openStreams() == 0, "no stream left from another test");
        long reader = newUser();
        double unavailableBefore = leaseUnavailable();
        List<SseClient> open = new ArrayList<>();
        LocalStack.stop("redis");
        try {
            for (int i = 0; i < 2; i++) {
                SseClient c = SseClient.open(streamUri, Fixture.token(reader), null);
                open.add(c);
                assertThat(c.status()).as("a limit that cannot be read does not refuse a reader").isEqualTo(200);
            }
            assertThat(leaseUnavailable() - unavailableBefore).as("both leases were not taken").isGreaterThanOrEqualTo(2.0);
            try (SseClient refused = SseClient.open(streamUri, Fixture.token(reader), null)) {
                assertThat(refused.status()).as("this instance's own count still caps the user").isEqualTo(429);
                assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("2 open streams per user");
            }
        } finally {
            LocalStack.start("redis"); // comes back empty
        }
        try {
            Fixture.eventually(30_000, () -> held(reader) == 2, "the heartbeat tick writes both open streams' leases into the new Redis");
        } finally {
            open.forEach(SseClient::close);
        }
        Fixture.eventually(20_000, () -> held(reader) == 0, "and closing releases them");
    }

    /** Unexpired leases of the user; -1 while Redis does not answer yet. */
    private int held(long reader) {
        try {
            return leases.held(reader).await().indefinitely();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private double leaseUnavailable() {
        var counter = registry.find("feed_stream_lease_unavailable_total").counter();
        return counter == null ? 0 : counter.count();
    }

    /** The expiry of the user's one lease (epoch ms), or -1 without one. */
    private double leaseExpiry(long reader) {
        var r = redis.send(Request.cmd(Command.EVAL).arg("local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES') return r[2]")
                .arg(1).arg(StreamLeases.key(reader))).await().indefinitely();
        return r == null ? -1 : Double.parseDouble(r.toString());
    }
}
