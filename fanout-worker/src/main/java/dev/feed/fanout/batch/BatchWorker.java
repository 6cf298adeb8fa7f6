package dev.feed.fanout.batch;

import dev.feed.fanout.inbox.FanoutOp;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.DeadLetters;
import dev.feed.fanout.kafka.KafkaTracing;
import dev.feed.fanout.kafka.PerKey;
import dev.feed.fanout.kafka.RecordsHandler;
import dev.feed.fanout.progress.FanoutMetrics;
import dev.feed.fanout.progress.ProgressStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/**
 * Works the batch tasks of one poll ({@code feed.fanout-batches}, group {@code fanout-batch}):
 * each is one pipelined Redis round trip into (or out of) up to a page of inboxes, then its
 * progress mark. All batches of a poll run concurrently; the poll completes, and its offsets are
 * committed, only when every batch is written or dead-lettered.
 *
 * <p>Redelivery is harmless: the inbox write is a ZSET add or remove of the same member, and
 * progress counts batch indexes, not deliveries.
 */
@ApplicationScoped
public class BatchWorker implements RecordsHandler {
    public static final String GROUP = "fanout-batch";
    private static final Logger LOG = Logger.getLogger(BatchWorker.class);

    private final InboxStore inboxes;
    private final ProgressStore progress;
    private final DeadLetters deadLetters;
    private final KafkaTracing tracing;
    private final FanoutMetrics metrics;
    private final FanoutConfig config;
    private final ObjectMapper json;

    public BatchWorker(InboxStore inboxes, ProgressStore progress, DeadLetters deadLetters, KafkaTracing tracing,
                       FanoutMetrics metrics, FanoutConfig config, ObjectMapper json) {
        this.inboxes = inboxes;
        this.progress = progress;
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.metrics = metrics;
        this.config = config;
        this.json = json;
    }

    @Override
    public Uni<Void> handle(ConsumerRecords<String, String> records) {
        return PerKey.process(records, this::process);
    }

    /** Parse, write with retries, and if every attempt failed, dead-letter: the poll goes on either way. */
    Uni<Void> process(ConsumerRecord<String, String> record) {
        return tracing.process(record, trace -> work(record));
    }

    private Uni<Void> work(ConsumerRecord<String, String> record) {
        FanoutBatch batch;
        try {
            batch = FanoutBatch.parse(json, record.value());
        } catch (RuntimeException malformed) {
            return deadLetter(record, null, malformed, 1);
        }
        AtomicInteger attempts = new AtomicInteger();
        return withRetries(Uni.createFrom().deferred(() -> attempt(batch, attempts.incrementAndGet())))
                .invoke(() -> metrics.batchDone(batch.opValue(), "ok"))
                .onFailure().recoverWithUni(e -> deadLetter(record, batch, e, attempts.get()));
    }

    private Uni<Void> attempt(FanoutBatch batch, int attempt) {
        if (attempt > 1) {
            metrics.retried();
        }
        return write(batch)
                .chain(() -> progress.batchDone(batch.postIdLong(), batch.opValue(), batch.batchIndex()))
                .invoke(finishedAt -> finishedAt.ifPresent(at -> recordLag(batch, at)))
                .replaceWithVoid();
    }

    private Uni<Integer> write(FanoutBatch batch) {
        List<Long> followers = batch.followers();
        metrics.batchSize(followers.size());
        return switch (batch.opValue()) {
            case PUSH -> inboxes.pushToActive(followers, batch.postIdLong(), batch.createdAtMillis())
                    .invoke(metrics::delivered);
            case UNPUSH -> inboxes.removeFromAll(followers, batch.postIdLong())
                    .invoke(metrics::removed);
        };
    }

    private void recordLag(FanoutBatch batch, long finishedAt) {
        if (batch.opValue() == FanoutOp.PUSH) {
            metrics.lag(finishedAt - batch.createdAtMillis());
        }
    }

    private <T> Uni<T> withRetries(Uni<T> work) {
        if (config.maxAttempts() <= 1) {
            return work;
        }
        return work.onFailure().retry()
                .withBackOff(config.backoff(), config.maxBackoff()).withJitter(0)
                .atMost(config.maxAttempts() - 1L);
    }

    /**
     * Dead-letters a batch that failed every attempt, but only while Redis answers: when Redis
     * itself is down every batch fails, and parking them all would turn an outage into a manual
     * replay. Then the poll fails instead, and the loop redelivers it after its own backoff.
     */
    private Uni<Void> deadLetter(ConsumerRecord<String, String> record, FanoutBatch batch, Throwable error, int attempts) {
        Throwable cause = rootCause(error);
        Uni<Void> redisAnswers = batch == null ? Uni.createFrom().voidItem() : inboxes.ping()
                .onFailure().transform(down -> new IllegalStateException("Redis unavailable, batch " + record.key()
                        + " kept for redelivery instead of dead-lettered", cause));
        return redisAnswers
                .invoke(() -> LOG.errorf("batch %s (partition %d offset %d) failed %d attempt(s), dead-lettered: %s",
                        record.key(), record.partition(), record.offset(), attempts, cause.toString()))
                .chain(() -> deadLetters.send(record, cause, attempts))
                .invoke(() -> {
                    metrics.deadLettered();
                    if (batch != null) {
                        metrics.batchDone(batch.opValue(), "dead_letter");
                    }
                })
                .chain(() -> batch == null ? Uni.createFrom().voidItem() : markDeadLettered(batch));
    }

    /** Best effort: the mark explains an incomplete fanout, but must not keep the poll from committing. */
    private Uni<Void> markDeadLettered(FanoutBatch batch) {
        return progress.batchDeadLettered(batch.postIdLong(), batch.opValue())
                .onFailure().recoverWithNull();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
