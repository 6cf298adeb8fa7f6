package dev.feed.kafka;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.testing.Management;
import dev.feed.hot.HotConfig;
import dev.feed.hot.InstanceId;
import dev.feed.timeline.TimelineConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** What an operator gets without setting anything: no tracing, and the consumers' lag in /q/metrics. */
@QuarkusTest
class ObservabilityDefaultsTest {
    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean sdkDisabled;
    @Inject
    OpenTelemetry otel;
    @Inject
    InMemorySpanExporter spans;
    @Inject
    InstanceId instance;
    @Inject
    HotConfig hot;
    @Inject
    TimelineConfig timeline;

    @Test
    void tracing_isOffUnlessEnabled_andNothingIsExported() {
        assertThat(sdkDisabled).isTrue();

        otel.getTracer("test").spanBuilder("anything").startSpan().end();
        ((OpenTelemetrySdk) otel).getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);

        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void metrics_showTheLagOfBothConsumers_oncePolled() {
        Awaitility.await("both consumers' lag in /q/metrics").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
                    return isNumber(lag(metrics, "feed-hot-" + instance.value(), hot.postsTopic()))
                            && isNumber(lag(metrics, "feed-followees-" + instance.value(), timeline.relationsTopic()));
                });
    }

    private static String lag(String metrics, String group, String topic) {
        Matcher m = Pattern.compile("^feed_kafka_consumer_lag\\{(?=[^}]*group=\"" + Pattern.quote(group) + "\")(?=[^}]*topic=\""
                + Pattern.quote(topic) + "\")[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? m.group(1) : null;
    }

    private static boolean isNumber(String value) {
        return value != null && !Double.isNaN(Double.parseDouble(value));
    }
}
