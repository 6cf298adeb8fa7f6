package dev.feed.fanout.kafka;

import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.fanout.support.Management;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.FanoutWorker;
import dev.feed.fanout.dispatch.Dispatcher;
import dev.feed.fanout.support.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConsumerLagTest {
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    FanoutWorker worker;
    @Inject
    ObjectMapper json;

    @Test
    void update_sumsTheLagOfTheOwnedPartitions_perTopic() {
        MeterRegistry registry = new SimpleMeterRegistry();
        ConsumerLag lag = new ConsumerLag(registry, "g", List.of("a", "b"));
        assertThat(registry.get(ConsumerLag.METRIC).tags("group", "g", "topic", "a").gauge().value())
                .as("unknown before the first poll").isNaN();
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
        TopicPartition a0 = new TopicPartition("a", 0);
        TopicPartition a1 = new TopicPartition("a", 1);
        TopicPartition b0 = new TopicPartition("b", 0);
        consumer.assign(List.of(a0, a1, b0));
        consumer.updateBeginningOffsets(Map.of(a0, 0L, a1, 0L, b0, 0L));
        consumer.updateEndOffsets(Map.of(a0, 10L, a1, 5L, b0, 7L));
        consumer.seek(a0, 4);
        consumer.seek(a1, 5);
        consumer.seek(b0, 7);

        lag.update(consumer);

        assertThat(registry.get(ConsumerLag.METRIC).tags("group", "g", "topic", "a").gauge().value()).isEqualTo(6.0);
        assertThat(registry.get(ConsumerLag.METRIC).tags("group", "g", "topic", "b").gauge().value()).isZero();

        consumer.unsubscribe();
        lag.update(consumer);

        assertThat(registry.get(ConsumerLag.METRIC).tags("group", "g", "topic", "a").gauge().value())
                .as("partitions given away are some other member's lag").isZero();
    }

    @Test
    void metrics_showTheDispatcherLagOnThePostsTopic_afterItConsumed() {
        long author = newId();
        RecordMetadata sent = send(kafka, topics.posts(), Long.toString(author),
                postEvent("post.published", newId(), author, System.currentTimeMillis()), json);
        Fixtures.awaitConsumed(kafka, worker.group(Dispatcher.GROUP), sent);

        Pattern series = Pattern.compile("^feed_kafka_consumer_lag\\{(?=[^}]*group=\"" + Pattern.quote(worker.group(Dispatcher.GROUP))
                + "\")(?=[^}]*topic=\"" + Pattern.quote(topics.posts()) + "\")[^}]*} (\\S+)$", Pattern.MULTILINE);
        // NaN until the loop has polled; a number once it has, and 0 once it caught up with our event.
        Fixtures.await("the dispatcher's lag caught up in /q/metrics", () -> {
            Matcher m = series.matcher(Management.given().get("/q/metrics").then().statusCode(200).extract().asString());
            return m.find() && Double.parseDouble(m.group(1)) == 0.0;
        });
    }
}
