package dev.feed.fanout.kafka;

import static dev.feed.fanout.support.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConsumerLoopTest {
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;

    @Test
    void stop_whileAPollIsBeingWorked_letsItFinish_andCommitsIt() throws Exception {
        // A throwaway group on the relations test topic: this loop only observes, it never writes.
        String group = "test-loop-" + newId();
        kafka.send(new ProducerRecord<>(topics.relations(), "loop-test", "{}")).await().atMost(Duration.ofSeconds(30));
        CountDownLatch working = new CountDownLatch(1);
        Map<TopicPartition, Long> inFlight = new ConcurrentHashMap<>();
        ConsumerLoop loop = new ConsumerLoop(group, kafka.consumerConfig(group, 500), List.of(topics.relations()),
                records -> Uni.createFrom().voidItem()
                        .invoke(() -> {
                            if (working.getCount() == 1) {
                                records.forEach(r -> inFlight.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::max));
                                working.countDown();
                            }
                        })
                        .onItem().delayIt().by(Duration.ofMillis(1500)),
                untrackedLag(group));
        loop.start();
        assertThat(working.await(60, TimeUnit.SECONDS)).isTrue();

        loop.stop(Duration.ofSeconds(30));

        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(inFlight).isNotEmpty();
            inFlight.forEach((partition, last) -> {
                assertThat(committed.get(partition)).as("committed %s", partition).isNotNull();
                assertThat(committed.get(partition).offset()).isGreaterThan(last);
            });
        }
    }

    @Test
    void failedPoll_isNotCommitted_andComesBack() throws Exception {
        String group = "test-loop-" + newId();
        RecordMetadata sent = kafka.send(new ProducerRecord<>(topics.relations(), "loop-test", "{}"))
                .await().atMost(Duration.ofSeconds(30));
        CountDownLatch secondDelivery = new CountDownLatch(2);
        ConsumerLoop loop = new ConsumerLoop(group, kafka.consumerConfig(group, 500), List.of(topics.relations()),
                records -> {
                    boolean ours = records.records(new TopicPartition(sent.topic(), sent.partition())).stream()
                            .anyMatch(r -> r.offset() == sent.offset());
                    if (ours) {
                        secondDelivery.countDown();
                        if (secondDelivery.getCount() == 1) {
                            return Uni.createFrom().failure(new IllegalStateException("first attempt fails"));
                        }
                    }
                    return Uni.createFrom().voidItem();
                }, untrackedLag(group));
        loop.start();
        try {
            assertThat(secondDelivery.await(60, TimeUnit.SECONDS)).as("the failed poll was delivered again").isTrue();
        } finally {
            loop.stop(Duration.ofSeconds(30));
        }
    }

    private ConsumerLag untrackedLag(String group) {
        return new ConsumerLag(new SimpleMeterRegistry(), group, List.of(topics.relations()));
    }
}
