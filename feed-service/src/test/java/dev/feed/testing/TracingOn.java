package dev.feed.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Tracing enabled the way an operator does it (FEED_OTEL_ENABLED=true), exported every 50 ms. */
public class TracingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("FEED_OTEL_ENABLED", "true",
                "quarkus.otel.bsp.schedule.delay", "PT0.05S");
    }
}
