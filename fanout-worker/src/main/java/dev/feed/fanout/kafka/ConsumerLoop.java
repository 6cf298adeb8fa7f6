package dev.feed.fanout.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * One consumer group member on its own thread: poll, hand the whole poll to the handler, wait
 * for it, then commitSync. Offsets therefore only move past work that is done (at-least-once).
 *
 * <p>If the handler fails, the poll is not committed: the consumer is closed and a new one
 * joins after a backoff, so the group redelivers from the last commit. That is the same path
 * as a crashed process, which keeps one recovery story instead of two.
 *
 * <p>Why a raw loop and not SmallRye Reactive Messaging ({@code @Incoming}), which feed-service's
 * consumers use: the worker's guarantees are per poll, not per message. A poll's records run
 * concurrently across keys and in order within a key ({@link PerKey}), and the poll's offsets are
 * committed in one {@code commitSync} only after every inbox write of the poll is done, which is
 * also what makes the batch worker's one-pipelined-round-trip-per-batch throughput possible.
 * SmallRye's batch {@code @Incoming} comes closest, but its throttled commit strategy commits
 * asynchronously per acknowledged message and its per-key ordering within a batch would be ours to
 * write anyway; the tests that stop and restart one stage ({@code FanoutWorker.Stage}) and kill a
 * worker mid-poll rely on this loop's stop-then-commit behaviour. Retries and dead letters for
 * poison events are {@link PoisonGuard}; tracing across the hop is {@link KafkaTracing}.
 */
public final class ConsumerLoop {
    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration FIRST_RESTART = Duration.ofSeconds(1);
    private static final Duration MAX_RESTART = Duration.ofSeconds(30);
    // Below max.poll.interval.ms (5 min), so a stuck handler costs a restart, not an eviction storm.
    private static final Duration HANDLE_TIMEOUT = Duration.ofMinutes(4);

    private final String name;
    private final Map<String, Object> config;
    private final List<String> topics;
    private final RecordsHandler handler;
    private final ConsumerLag lag;

    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);
    private Thread thread;

    public ConsumerLoop(String name, Map<String, Object> config, List<String> topics, RecordsHandler handler,
                        ConsumerLag lag) {
        this.name = name;
        this.config = config;
        this.topics = topics;
        this.handler = handler;
        this.lag = lag;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopSignal = new CountDownLatch(1);
        thread = new Thread(this::run, "consumer-" + name);
        thread.setDaemon(true);
        thread.start();
        LOG.infof("consumer %s started on %s", name, topics);
    }

    /** Lets the poll in progress finish and commit, then leaves the group. */
    public synchronized void stop(Duration timeout) {
        if (!running) {
            return;
        }
        running = false;
        stopSignal.countDown();
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("consumer %s stopped", name);
    }

    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration restartDelay = FIRST_RESTART;
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(new HashMap<>(config))) {
                consumer = c;
                c.subscribe(topics);
                pollUntilStopped(c);
                return;
            } catch (WakeupException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "consumer %s failed; uncommitted records will be redelivered after %s", name, restartDelay);
            } finally {
                consumer = null;
            }
            awaitStop(restartDelay);
            restartDelay = restartDelay.multipliedBy(2).compareTo(MAX_RESTART) > 0 ? MAX_RESTART : restartDelay.multipliedBy(2);
        }
    }

    private void pollUntilStopped(KafkaConsumer<String, String> c) {
        while (running) {
            ConsumerRecords<String, String> records = c.poll(POLL);
            lag.update(c);
            if (records.isEmpty()) {
                continue;
            }
            handler.handle(records).await().atMost(HANDLE_TIMEOUT);
            commit(c, nextOffsets(records));
        }
    }

    private static void commit(KafkaConsumer<String, String> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            c.commitSync(offsets);
        } catch (WakeupException e) {
            // A stop arrived while the poll was being worked on: the work is done, so record it;
            // the wakeup is consumed by the first throw, and this second call goes through.
            c.commitSync(offsets);
            throw e;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> inPartition = records.records(partition);
            long last = inPartition.get(inPartition.size() - 1).offset();
            offsets.put(partition, new OffsetAndMetadata(last + 1));
        }
        return offsets;
    }

    private void awaitStop(Duration delay) {
        try {
            stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
