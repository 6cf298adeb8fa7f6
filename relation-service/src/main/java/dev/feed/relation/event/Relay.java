package dev.feed.relation.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes {@code relation_events} rows to Kafka in {@code seq} order and stamps them
 * {@code published_at} once Kafka has acknowledged them (acks=all, idempotent producer).
 *
 * <p>One relay publishes at a time across all instances: each batch runs in a transaction that
 * first takes a transaction-scoped advisory lock, and an instance that cannot get it skips the
 * round. That keeps one global publishing order (so per-key order holds) and no two instances
 * send the same row. Delivery is at least once: if an instance dies between Kafka's
 * acknowledgement and its commit, the next round sends those rows again; consumers de-duplicate
 * on {@code eventId}.
 *
 * <p>Runs on its own thread: every {@link RelayConfig#interval()} and shortly after a committed
 * change {@link #nudge() nudges} it. While Kafka is unreachable rows simply stay unpublished and the
 * API keeps working.
 */
@ApplicationScoped
public class Relay {
    private static final Logger LOG = Logger.getLogger(Relay.class);
    static final long LOCK_KEY = 0x6665656402L; // "feed" + 2; SchemaMigrator uses + 1
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final Pool pool;
    private final RelayConfig config;
    private final String defaultBootstrap;
    private final Counter published;
    private final Counter failures;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean nudged = new AtomicBoolean();

    // Owned by the relay thread.
    private KafkaProducer<String, String> producer;
    private volatile String bootstrap;
    private volatile boolean failing;
    private volatile String lastError;
    private volatile Instant lastPublishedAt;
    private long nextPurgeNanos = System.nanoTime();

    public Relay(Pool pool, RelayConfig config, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String kafkaBootstrap) {
        this.pool = pool;
        this.config = config;
        this.defaultBootstrap = config.bootstrapServers().orElse(kafkaBootstrap);
        this.bootstrap = defaultBootstrap;
        this.published = registry.counter("feed.relay.published");
        this.failures = registry.counter("feed.relay.failures");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relation-relay");
            t.setDaemon(true);
            return t;
        });
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            long every = config.interval().toMillis();
            thread.scheduleWithFixedDelay(this::drain, 0, every, TimeUnit.MILLISECONDS);
            LOG.infof("relay: publishing relation_events to %s on %s every %dms and after each change",
                    config.topic(), bootstrap, every);
        } else {
            LOG.info("relay: disabled in this instance (feed.relay.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProducer();
    }

    /** Asks for a round within {@link RelayConfig#nudgeDelay()}; called after a commit that wrote events. Cheap and never blocks. */
    public void nudge() {
        if (config.enabled() && nudged.compareAndSet(false, true)) {
            thread.schedule(this::drain, config.nudgeDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs rounds on the relay thread until nothing is left or Kafka fails; returns rows published. */
    public int drainNow() {
        try {
            return thread.submit(this::drainAll).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Points the relay at other Kafka servers, {@code null} for the configured ones. An operator
     * can move the relay without a restart; the tests use it to make Kafka unreachable.
     */
    public void redirect(String bootstrapServers) {
        try {
            thread.submit(() -> {
                closeProducer();
                bootstrap = bootstrapServers == null ? defaultBootstrap : bootstrapServers;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public boolean failing() {
        return failing;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastPublishedAt() {
        return lastPublishedAt;
    }

    public double failureCount() {
        return failures.count();
    }

    private void drain() {
        nudged.set(false);
        // Anything escaping here would cancel the periodic schedule for good.
        try {
            drainAll();
            if (System.nanoTime() - nextPurgeNanos >= 0) {
                nextPurgeNanos = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                purge();
            }
        } catch (RuntimeException e) {
            LOG.warn("relay: round failed", e);
        }
    }

    /**
     * Deletes up to 10000 published rows older than the retention, oldest first (the primary key
     * order, so no extra index is needed); returns how many. Unpublished rows are never deleted.
     */
    public long purge() {
        return pool.preparedQuery("""
                        DELETE FROM relation_events WHERE seq IN (
                            SELECT seq FROM relation_events WHERE published_at < now() - make_interval(secs => $1)
                            ORDER BY seq LIMIT 10000)""")
                .execute(Tuple.of((double) config.retention().toSeconds()))
                .await().atMost(DB_TIMEOUT).rowCount();
    }

    private int drainAll() {
        int total = 0;
        while (true) {
            Round round = round();
            total += round.published();
            if (round.published() > 0) {
                published.increment(round.published());
                lastPublishedAt = Instant.now();
            }
            if (round.failure() != null) {
                failures.increment();
                lastError = String.valueOf(round.failure().getMessage());
                if (!failing) {
                    LOG.warnf("relay: Kafka unavailable (%s); events wait in PostgreSQL and are retried every %s",
                            lastError, config.interval());
                }
                failing = true;
                return total;
            }
            if (failing) {
                LOG.info("relay: Kafka reachable again, publishing resumed");
                failing = false;
            }
            if (round.read() < config.batchSize()) {
                return total;
            }
        }
    }

    /** One batch in one transaction: lock, read unpublished rows in seq order, send, stamp what Kafka acknowledged. */
    private Round round() {
        SqlConnection conn = pool.getConnection().await().atMost(DB_TIMEOUT);
        try {
            Transaction tx = conn.begin().await().atMost(DB_TIMEOUT);
            try {
                boolean mine = conn.query("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")").execute()
                        .await().atMost(DB_TIMEOUT).iterator().next().getBoolean(0);
                if (!mine) {
                    tx.rollback().await().atMost(DB_TIMEOUT);
                    return new Round(0, 0, null);
                }
                RowSet<Row> rows = conn.preparedQuery("""
                                SELECT seq, partition_key, payload::text AS payload FROM relation_events
                                WHERE published_at IS NULL ORDER BY seq LIMIT $1""")
                        .execute(Tuple.of(config.batchSize())).await().atMost(DB_TIMEOUT);
                Sent sent = rows.size() == 0 ? new Sent(List.of(), null) : send(rows);
                if (!sent.acked().isEmpty()) {
                    conn.preparedQuery("UPDATE relation_events SET published_at = now() WHERE seq = ANY($1)")
                            .execute(Tuple.of(sent.acked().toArray(new Long[0]))).await().atMost(DB_TIMEOUT);
                }
                tx.commit().await().atMost(DB_TIMEOUT);
                return new Round(rows.size(), sent.acked().size(), sent.failure());
            } catch (RuntimeException e) {
                tx.rollback().onFailure().recoverWithNull().await().atMost(DB_TIMEOUT);
                throw e;
            }
        } finally {
            conn.close().await().atMost(DB_TIMEOUT);
        }
    }

    /** Sends the rows in order; the acknowledged prefix is returned, so a retry resumes exactly at the first failure. */
    private Sent send(RowSet<Row> rows) {
        KafkaProducer<String, String> p = producer();
        try {
            // Metadata first: without it the first record's future fails (topic not there yet) while
            // a later record of the same pair may already go out once the topic appears, ahead of
            // the event it follows. Nothing is sent until the topic is known.
            p.partitionsFor(config.topic());
        } catch (RuntimeException e) {
            closeProducer();
            return new Sent(List.of(), e);
        }
        List<Long> seqs = new ArrayList<>();
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        Exception failure = null;
        for (Row row : rows) {
            try {
                futures.add(p.send(new ProducerRecord<>(config.topic(), row.getString("partition_key"), row.getString("payload"))));
                seqs.add(row.getLong("seq"));
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
        }
        List<Long> acked = new ArrayList<>();
        boolean prefix = true;
        long waitMs = 3 * config.kafkaTimeout().toMillis() + 5_000;
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get(waitMs, TimeUnit.MILLISECONDS);
                if (prefix) {
                    acked.add(seqs.get(i));
                }
            } catch (ExecutionException | TimeoutException e) {
                prefix = false;
                failure = failure != null ? failure : e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                prefix = false;
                failure = failure != null ? failure : e;
            }
        }
        if (failure != null) {
            // A fresh producer next round: no half-failed idempotence state carried over.
            closeProducer();
        }
        return new Sent(acked, failure);
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "relation-relay");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            long timeout = config.kafkaTimeout().toMillis();
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout));
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(3 * timeout));
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debug("relay: closing the producer failed", e);
            }
            producer = null;
        }
    }

    private record Round(int read, int published, Exception failure) {
    }

    private record Sent(List<Long> acked, Exception failure) {
    }
}
