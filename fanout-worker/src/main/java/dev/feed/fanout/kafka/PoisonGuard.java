package dev.feed.fanout.kafka;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Retries the work of one event, then parks a poison event on its dead-letter topic so the
 * partition moves on (issue 13, item 6): the dispatcher's {@code feed.posts} and the relation
 * consumer's {@code feed.relations}, with the batch topic's {@link DeadLetters} conventions.
 *
 * <p>Only a non-transient failure is parked. An outage (a store or relation-service unreachable,
 * a timeout, a 5xx or 429, a circuit breaker open, Redis not answering a ping) fails the poll instead, which the loop
 * redelivers after its backoff: dead-lettering every event during an outage would turn it into a
 * manual replay. A malformed event cannot get better and is parked after one attempt.
 *
 * <p>This is SmallRye's {@code failure-strategy=dead-letter-queue} with retries, written against the
 * raw {@link ConsumerLoop} the worker keeps (its Javadoc says why); it also tells outages from
 * poison, which the SmallRye strategy does not.
 */
public final class PoisonGuard {
    private static final Logger LOG = Logger.getLogger(PoisonGuard.class);

    /** Attempts per event (first included) and the exponential backoff between them. */
    public record Retry(int maxAttempts, Duration backoff, Duration maxBackoff) {
    }

    private final DeadLetters deadLetters;
    private final String deadLetterTopic;
    private final Retry retry;
    private final Supplier<Uni<Void>> storesAnswer;
    private final Runnable onRetry;
    private final Runnable onDeadLetter;

    /**
     * @param storesAnswer completes when the stores the work writes to answer (a Redis ping); fails during an outage
     */
    public PoisonGuard(DeadLetters deadLetters, String deadLetterTopic, Retry retry, Supplier<Uni<Void>> storesAnswer,
                       Runnable onRetry, Runnable onDeadLetter) {
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
        this.retry = retry;
        this.storesAnswer = storesAnswer;
        this.onRetry = onRetry;
        this.onDeadLetter = onDeadLetter;
    }

    /** Parks an event that cannot be read: no attempt can do better. */
    public Uni<Void> malformed(ConsumerRecord<String, String> record, Throwable error) {
        return park(record, error, 1);
    }

    /** Runs the work with retries; a poison event is parked, an outage fails (the poll is redelivered). */
    public Uni<Void> run(ConsumerRecord<String, String> record, Supplier<Uni<Void>> work) {
        AtomicInteger attempts = new AtomicInteger();
        Uni<Void> attempt = Uni.createFrom().deferred(() -> {
            if (attempts.incrementAndGet() > 1) {
                onRetry.run();
            }
            return work.get();
        });
        return withRetries(attempt).onFailure().recoverWithUni(e -> parkUnlessOutage(record, e, attempts.get()));
    }

    private Uni<Void> withRetries(Uni<Void> work) {
        if (retry.maxAttempts() <= 1) {
            return work;
        }
        return work.onFailure().retry()
                .withBackOff(retry.backoff(), retry.maxBackoff())
                .atMost(retry.maxAttempts() - 1L);
    }

    private Uni<Void> parkUnlessOutage(ConsumerRecord<String, String> record, Throwable error, int attempts) {
        if (isTransient(error)) {
            return Uni.createFrom().failure(error);
        }
        return storesAnswer.get()
                .onFailure().transform(down -> new IllegalStateException("stores unavailable, event " + record.key()
                        + " kept for redelivery instead of dead-lettered", error))
                .chain(() -> park(record, error, attempts));
    }

    private Uni<Void> park(ConsumerRecord<String, String> record, Throwable error, int attempts) {
        Throwable cause = rootCause(error);
        LOG.errorf("event %s at %s-%d@%d failed %d attempt(s), dead-lettered to %s: %s", record.key(), record.topic(),
                record.partition(), record.offset(), attempts, deadLetterTopic, cause.toString());
        return deadLetters.send(deadLetterTopic, record, cause, attempts).invoke(onDeadLetter);
    }

    /** An outage rather than a poison event: anything in the cause chain that a later attempt could get past. */
    static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof WebApplicationException w && w.getResponse() != null) {
                int status = w.getResponse().getStatus();
                return status >= 500 || status == 429;
            }
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException
                    || t instanceof RetriableException || t instanceof ProcessingException || t instanceof CircuitBreakerOpenException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
