package dev.feed.fanout.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Without FEED_OTEL_ENABLED (every other test, and ./feed up) the SDK is off: nothing is exported. */
@QuarkusTest
class TracingOffTest {
    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean sdkDisabled;
    @Inject
    OpenTelemetry otel;
    @Inject
    InMemorySpanExporter spans;

    @Test
    void tracing_isOffUnlessEnabled_andNothingIsExported() {
        assertThat(sdkDisabled).isTrue();

        otel.getTracer("test").spanBuilder("anything").startSpan().end();
        ((OpenTelemetrySdk) otel).getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);

        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
