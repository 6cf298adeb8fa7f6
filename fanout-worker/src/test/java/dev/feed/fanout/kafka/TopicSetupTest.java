package dev.feed.fanout.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TopicSetupTest {
    @Inject
    TopicSetup setup;
    @Inject
    TopicsConfig topics;
    @Inject
    KafkaClients kafka;

    @Test
    void ensureTopics_again_isHarmless_andTheBatchTopicHasItsOwnPartitionCount() throws Exception {
        setup.ensureTopics();
        setup.ensureTopics();

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> described = admin.describeTopics(List.of(
                    topics.posts(), topics.fanoutBatches(), topics.fanoutDlq(), topics.relations(), topics.hotcacheChanges()))
                    .allTopicNames().get();
            assertThat(described.get(topics.fanoutBatches()).partitions()).hasSize(topics.batchPartitions());
            assertThat(described.get(topics.posts()).partitions()).hasSize(topics.partitions());
        }
    }
}
