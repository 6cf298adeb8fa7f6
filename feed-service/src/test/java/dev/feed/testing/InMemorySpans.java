package dev.feed.testing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Ends the trace pipeline in memory: Quarkus exports to every SpanExporter bean. Only a test
 * profile that enables the SDK ({@link TracingOn}) gets spans; elsewhere the SDK is off, as locally.
 */
@ApplicationScoped
public class InMemorySpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }

    /** Waits until the exporter got a span matching {@code match} (spans are exported in batches). */
    public static SpanData await(InMemorySpanExporter exporter, String what, Predicate<SpanData> match) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> exporter.getFinishedSpanItems().stream().filter(match).findFirst(), found -> found.isPresent())
                .orElseThrow();
    }
}
