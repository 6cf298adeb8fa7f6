package dev.feed.post;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.feed.schema.CassandraConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * This instance's Snowflake generator, kept safe across restarts: Cassandra table
 * {@code id_clocks} holds, per worker id, a millisecond this worker's ids may reach
 * ({@code reserved_until}). At startup the generator begins after the stored value, so a process
 * restarted with its clock behind its predecessor's last id issues no id twice. The reservation
 * runs {@link #AHEAD} ahead of the latest id and is extended in the background
 * ({@link #extendIfDue}), so no publish waits for it. Cassandra, not Redis: Redis here is a cache
 * that may be flushed, which would drop exactly the value that must survive.
 */
@ApplicationScoped
public class IdClock {
    private static final Logger LOG = Logger.getLogger(IdClock.class);
    /** How far past the latest id a reservation reaches: a restart waits out at most this much of a clock behind. */
    static final Duration AHEAD = Duration.ofSeconds(10);

    private final CqlSession session;
    private final CassandraConfig config;
    private final int workerId;
    private final LongSupplier clockMillis;
    private volatile SnowflakeIds ids;
    private volatile PreparedStatement write;
    private volatile long reservedUntil;

    @Inject
    public IdClock(CqlSession session, CassandraConfig config, @ConfigProperty(name = "feed.publish.worker-id", defaultValue = "0") int workerId) {
        this(session, config, workerId, System::currentTimeMillis);
    }

    /** With a clock of its own: tests restart a worker with its clock set behind. */
    IdClock(CqlSession session, CassandraConfig config, int workerId, LongSupplier clockMillis) {
        this.session = session;
        this.config = config;
        this.workerId = workerId;
        this.clockMillis = clockMillis;
    }

    /** At startup, after the schema migrator (priority 10): never lazily on a driver thread, where the blocking reads are refused. */
    void onStart(@Observes @Priority(20) StartupEvent event) {
        start();
    }

    /** Reads the stored reservation (blocking: startup only) and writes a fresh one before any id is issued. */
    synchronized IdClock start() {
        if (ids != null) {
            return this;
        }
        String ks = config.keyspace();
        Row row = session.execute(session.prepare("SELECT reserved_until FROM " + ks + ".id_clocks WHERE worker_id = ?")
                .bind(workerId).setConsistencyLevel(config.consistencyLevel())).one();
        long stored = row == null ? -1 : row.getLong("reserved_until");
        write = session.prepare("UPDATE " + ks + ".id_clocks SET reserved_until = ? WHERE worker_id = ?");
        long now = clockMillis.getAsLong();
        if (stored > now) {
            LOG.warnf("Snowflake worker %d: clock %d ms behind the last reservation, ids continue after it", workerId, stored - now);
        }
        reserve(Math.max(now, stored) + AHEAD.toMillis());
        ids = new SnowflakeIds(workerId, clockMillis, stored);
        return this;
    }

    public long next() {
        return start().ids.next();
    }

    /** The stored reservation as last written by this instance. */
    public long reservedUntil() {
        return reservedUntil;
    }

    /** Moves the reservation ahead once the latest id is within half of {@link #AHEAD} of it. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return extendIfDue();
    }

    public Uni<Void> extendIfDue() {
        if (ids == null) {
            return Uni.createFrom().voidItem();
        }
        long last = ids.lastMillis();
        if (last + AHEAD.toMillis() / 2 < reservedUntil) {
            return Uni.createFrom().voidItem();
        }
        long until = last + AHEAD.toMillis();
        return Uni.createFrom().completionStage(session.executeAsync(write.bind(until, workerId).setConsistencyLevel(config.consistencyLevel())))
                .invoke(() -> reservedUntil = Math.max(reservedUntil, until))
                .onFailure().invoke(e -> LOG.warnf("extending the Snowflake reservation failed, retried in 1 s: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private void reserve(long until) {
        session.execute(write.bind(until, workerId).setConsistencyLevel(config.consistencyLevel()));
        reservedUntil = until;
    }
}
