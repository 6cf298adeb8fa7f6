package dev.feed.fanout.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the worker's topics if they are missing, before any consumer or producer touches them:
 * a topic auto-created by a first produce would get the broker's default partition count, and the
 * batch topic's partitions are the batch workers' parallelism. Existing topics are left as they are.
 */
@ApplicationScoped
public class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private final KafkaClients kafka;
    private final TopicsConfig topics;

    public TopicSetup(KafkaClients kafka, TopicsConfig topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    public void ensureTopics() {
        if (!topics.create()) {
            return;
        }
        try (Admin admin = kafka.admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic wanted : wanted()) {
                if (!existing.contains(wanted.name())) {
                    missing.add(wanted);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var created : admin.createTopics(missing).values().entrySet()) {
                awaitCreated(created.getKey(), created.getValue());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create Kafka topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topics", e);
        }
    }

    private List<NewTopic> wanted() {
        return List.of(
                new NewTopic(topics.posts(), topics.partitions(), topics.replication()),
                new NewTopic(topics.fanoutBatches(), topics.batchPartitions(), topics.replication()),
                new NewTopic(topics.fanoutDlq(), topics.partitions(), topics.replication()),
                new NewTopic(topics.postsDlq(), topics.partitions(), topics.replication()),
                new NewTopic(topics.relationsDlq(), topics.partitions(), topics.replication()),
                new NewTopic(topics.relations(), topics.partitions(), topics.replication()),
                new NewTopic(topics.hotcacheChanges(), topics.partitions(), topics.replication()));
    }

    private static void awaitCreated(String name, org.apache.kafka.common.KafkaFuture<Void> result)
            throws InterruptedException, TimeoutException, ExecutionException {
        try {
            result.get(30, TimeUnit.SECONDS);
            LOG.infof("created topic %s", name);
        } catch (ExecutionException e) {
            // Another instance (or feed-service's first produce) created it meanwhile: that is fine.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
