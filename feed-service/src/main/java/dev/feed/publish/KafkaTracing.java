package dev.feed.publish;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * Puts the W3C trace context ({@code traceparent}) of a publish into its Kafka record, so the
 * fanout-worker continues the trace. Quarkus only instruments SmallRye Reactive Messaging, not the
 * raw producer used here. With the SDK disabled (the local default) spans and propagation are no-ops.
 */
@ApplicationScoped
public class KafkaTracing {
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public KafkaTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.feed.publish");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /** Starts a PRODUCER span "{topic} publish" under {@code parent} and writes its context into the record's headers. */
    public Span startPublish(Context parent, ProducerRecord<String, String> record) {
        Span span = tracer.spanBuilder(record.topic() + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, record.topic())
                .setAttribute(OPERATION, "publish")
                .setAttribute(KEY, String.valueOf(record.key()))
                .startSpan();
        propagator.inject(parent.with(span), record.headers(), HeadersSetter.INSTANCE);
        return span;
    }

    /** Ends a publish span when Kafka answered: where the record landed, or why it did not. */
    public static void end(Span span, RecordMetadata acked, Exception error) {
        if (error != null) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR);
        } else if (acked != null) {
            span.setAttribute(PARTITION, Integer.toString(acked.partition()));
            span.setAttribute(OFFSET, acked.offset());
        }
        span.end();
    }

    private enum HeadersSetter implements TextMapSetter<Headers> {
        INSTANCE;

        @Override
        public void set(Headers headers, String key, String value) {
            if (headers != null) {
                headers.remove(key);
                headers.add(key, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
