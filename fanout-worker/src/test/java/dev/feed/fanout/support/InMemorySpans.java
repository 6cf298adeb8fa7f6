package dev.feed.fanout.support;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.Predicate;

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
        Fixtures.await(what, () -> exporter.getFinishedSpanItems().stream().anyMatch(match));
        List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(match).toList();
        return found.get(0);
    }
}
