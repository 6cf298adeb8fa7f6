package dev.feed.relation.internal;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.relation.Management;
import dev.feed.relation.InMemorySpans;
import dev.feed.relation.TestUsers;
import dev.feed.relation.TracingOn;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The fanout-worker's and feed-service's calls carry a traceparent: relation-service's spans join their trace. */
@QuarkusTest
@TestProfile(TracingOn.class)
class InternalTracingTest {
    @Inject
    InMemorySpanExporter spans;

    @Test
    void internalApi_continuesTheCallersTrace() {
        String traceId = hex(16);
        String callerSpanId = hex(8);

        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).header("traceparent", "00-" + traceId + "-" + callerSpanId + "-01")
                .get("/internal/v1/authors/" + TestUsers.newId() + "/follower-ids").then().statusCode(200);

        SpanData server = InMemorySpans.await(spans, "server span in the caller's trace", s -> s.getTraceId().equals(traceId));
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getParentSpanId()).isEqualTo(callerSpanId);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeros, which W3C reads as "no trace"
        return HexFormat.of().formatHex(b);
    }
}
