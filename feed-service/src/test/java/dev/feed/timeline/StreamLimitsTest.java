package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.stream.StreamHub;
import dev.feed.testing.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream's instance limit, heartbeat and idle timeout, on an instance configured small enough to reach them. */
@QuarkusTest
@TestProfile(StreamLimitsTest.Small.class)
class StreamLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.stream.max-per-instance", "2", "feed.stream.heartbeat", "PT1S", "feed.stream.idle-timeout", "PT4S");
        }
    }

    @Inject
    Fixture fx;
    @Inject
    StreamHub hub;
    @TestHTTPResource("/v1/timeline/stream")
    URI streamUri;

    @BeforeEach
    void setUp() {
        fx.freshRelation();
    }

    @Test
    void stream_beyondTheInstanceLimit_is429_andAClosedStreamFreesItsPlace() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                SseClient c = SseClient.open(streamUri, Fixture.token(newUser()), null);
                assertThat(c.status()).isEqualTo(200);
                open.add(c);
            }
            try (SseClient refused = SseClient.open(streamUri, Fixture.token(newUser()), null)) {
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("maximum of 2 open streams");
            }
            open.remove(0).close();
            Fixture.eventually(20_000, () -> hub.openStreams() < 2, "the closed stream is released");
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
            Fixture.eventually(30_000, c::ended, "the idle stream is closed by the server");
        }
    }
}
