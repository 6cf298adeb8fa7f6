package dev.feed.fanout.kafka;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Carries the W3C trace context ({@code traceparent}) through Kafka record headers. Quarkus only
 * instruments SmallRye Reactive Messaging, and the worker uses the raw clients, so without this a
 * fanout would start a new trace at every topic. With the SDK disabled (the local default) the
 * tracer and propagator are no-ops and this costs next to nothing.
 */
@ApplicationScoped
public class KafkaTracing {
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    private static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    private static final Executor DIRECT = Runnable::run;

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public KafkaTracing(OpenTelemetry otel) {
        this.tracer = otel.getTracer("dev.feed.fanout");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /**
     * Runs the work of one record under a CONSUMER span "{topic} process", a child of the context
     * its producer put in the headers (a new trace when there is none). The work gets that span's
     * context, to pass on into the records it produces; the span ends when the work terminates.
     */
    public <T> Uni<T> process(ConsumerRecord<String, String> record, Function<Context, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Context parent = propagator.extract(Context.root(), record.headers(), HeadersGetter.INSTANCE);
            Span span = tracer.spanBuilder(record.topic() + " process")
                    .setParent(parent)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute(SYSTEM, "kafka")
                    .setAttribute(DESTINATION, record.topic())
                    .setAttribute(OPERATION, "process")
                    .setAttribute(PARTITION, Integer.toString(record.partition()))
                    .setAttribute(OFFSET, record.offset())
                    .setAttribute(KEY, String.valueOf(record.key()))
                    .startSpan();
            Context context = parent.with(span);
            return Uni.createFrom().deferred(() -> work.apply(context))
                    // Current while the work is built and subscribed: the relation-service client
                    // takes it from there into its own Vert.x context, so its calls (and
                    // relation-service's server spans) join this trace.
                    .runSubscriptionOn(context.wrap(DIRECT))
                    .onTermination().invoke((item, failure, cancelled) -> end(span, failure));
        });
    }

    /** Writes the trace context into headers of a record about to be produced. */
    public void inject(Context context, Headers headers) {
        propagator.inject(context, headers, HeadersSetter.INSTANCE);
    }

    private static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    private enum HeadersSetter implements TextMapSetter<Headers> {
        INSTANCE;

        @Override
        public void set(Headers headers, String key, String value) {
            if (headers != null) {
                // A re-produced record (DLQ replay) must carry one traceparent, the current one.
                headers.remove(key);
                headers.add(key, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private enum HeadersGetter implements TextMapGetter<Headers> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            for (Header header : headers) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    }
}
