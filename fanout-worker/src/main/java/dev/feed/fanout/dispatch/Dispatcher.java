package dev.feed.fanout.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.events.PostEvent;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.batch.FanoutBatch;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.DeadLetters;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.KafkaTracing;
import dev.feed.fanout.kafka.PerKey;
import dev.feed.fanout.kafka.PoisonGuard;
import dev.feed.fanout.kafka.RecordsHandler;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.FanoutMetrics;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.relation.Relations.FollowerPage;
import dev.feed.fanout.relation.Relations.Tier;
import dev.feed.fanout.relation.Relations;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns post events ({@code feed.posts}, group {@code fanout-dispatcher}) into batch tasks: one
 * {@code fanout.batch} per page of followers, for push-tier authors only.
 *
 * <p>A poll completes, and is committed, only after every batch task it produced was acknowledged
 * by Kafka; if anything fails the poll is redelivered and dispatched again, which re-emits the
 * same pages (harmless: batches are idempotent and progress counts batch indexes).
 *
 * <p>An event that fails every attempt for a non-transient reason, or cannot be read, goes to
 * {@code feed.posts-dlq} and the partition moves on; an outage fails the poll instead
 * ({@link PoisonGuard}).
 */
@ApplicationScoped
public class Dispatcher implements RecordsHandler {
    public static final String GROUP = "fanout-dispatcher";
    // Batch tasks of one post in flight to Kafka while the next follower page is being read.
    private static final int SENDS_IN_FLIGHT = 16;

    private final Relations relations;
    private final ProgressStore progress;
    private final KafkaClients kafka;
    private final KafkaTracing tracing;
    private final TopicsConfig topics;
    private final FanoutMetrics metrics;
    private final FanoutConfig config;
    private final ObjectMapper json;
    private final PoisonGuard poison;

    public Dispatcher(Relations relations, ProgressStore progress, KafkaClients kafka, KafkaTracing tracing,
                      TopicsConfig topics, FanoutMetrics metrics, FanoutConfig config, ObjectMapper json,
                      DeadLetters deadLetters, InboxStore redis) {
        this.relations = relations;
        this.progress = progress;
        this.kafka = kafka;
        this.tracing = tracing;
        this.topics = topics;
        this.metrics = metrics;
        this.config = config;
        this.json = json;
        this.poison = new PoisonGuard(deadLetters, topics.postsDlq(),
                new PoisonGuard.Retry(config.maxAttempts(), config.backoff(), config.maxBackoff()),
                redis::ping, metrics::retried, metrics::deadLettered);
    }

    @Override
    public Uni<Void> handle(ConsumerRecords<String, String> records) {
        // Keyed by author: one author's publish and delete are dispatched in order.
        return PerKey.process(records, this::dispatch);
    }

    Uni<Void> dispatch(ConsumerRecord<String, String> record) {
        return tracing.process(record, trace -> dispatch(record, trace));
    }

    private Uni<Void> dispatch(ConsumerRecord<String, String> record, Context trace) {
        PostEvent event;
        try {
            event = json.readValue(record.value(), PostEvent.class).requireValid();
        } catch (JsonProcessingException | RuntimeException malformed) {
            // Nothing to retry in a malformed event; blocking the partition on it would stop every author behind it.
            return poison.malformed(record, malformed);
        }
        return poison.run(record, () -> switch (event.type()) {
            case PostEvent.PUBLISHED -> fanOut(event, FanoutOp.PUSH, trace);
            case PostEvent.DELETED -> fanOut(event, FanoutOp.UNPUSH, trace);
            default -> Uni.createFrom().voidItem();
        });
    }

    /** Pull-tier authors are merged at read time, so nothing is pushed (or unpushed) for them. */
    private Uni<Void> fanOut(PostEvent event, FanoutOp op, Context trace) {
        return relations.tier(event.authorIdLong())
                .chain(tier -> tier == Tier.PULL ? skipPullTier(event, op) : emitBatches(event, op, trace));
    }

    private Uni<Void> skipPullTier(PostEvent event, FanoutOp op) {
        metrics.pullTierSkipped();
        return progress.start(event.postIdLong(), op)
                .chain(() -> progress.finish(event.postIdLong(), op, 0))
                .replaceWithVoid();
    }

    private Uni<Void> emitBatches(PostEvent event, FanoutOp op, Context trace) {
        long postId = event.postIdLong();
        return progress.start(postId, op)
                .chain(() -> relations.followerPages(event.authorIdLong(), config.batchSize())
                        .onItem().transformToUni(page -> send(event, op, page, trace)).merge(SENDS_IN_FLIGHT)
                        .collect().with(Collectors.counting()))
                .chain(total -> progress.finish(postId, op, total)
                        .invoke(finishedAt -> finishedAt.ifPresent(at -> recordLag(event, op, total, at))))
                .replaceWithVoid();
    }

    /** Each batch task carries the dispatch's trace context: its batch worker's span joins the post's trace. */
    private Uni<Integer> send(PostEvent event, FanoutOp op, FollowerPage page, Context trace) {
        FanoutBatch batch = FanoutBatch.of(op, event.postIdLong(), event.authorIdLong(), event.createdAtMillis(),
                page.index(), page.followerIds());
        ProducerRecord<String, String> task = new ProducerRecord<>(topics.fanoutBatches(), batch.key(), batch.toJson(json));
        tracing.inject(trace, task.headers());
        return kafka.send(task).replaceWith(page.index());
    }

    /** All batches were done before paging ended (possible with fast workers): the lag ends now. */
    private void recordLag(PostEvent event, FanoutOp op, long total, long finishedAt) {
        if (op == FanoutOp.PUSH && total > 0) {
            metrics.lag(finishedAt - event.createdAtMillis());
        }
    }
}
