package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.schema.CassandraConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snowflake restarts against the real Cassandra: the reservation in {@code id_clocks} survives the process. */
@QuarkusTest
class IdClockTest {
    private static final int WORKER = 1001; // not the application's own worker id (0)

    @Inject
    CqlSession session;
    @Inject
    CassandraConfig config;

    @BeforeEach
    void forgetWorker() {
        session.execute("DELETE FROM " + config.keyspace() + ".id_clocks WHERE worker_id = " + WORKER);
    }

    @Test
    void restart_withClockBehind_reissuesNoId() {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        IdClock first = new IdClock(session, config, WORKER, clock::get).start();
        Set<Long> issued = new HashSet<>();
        long lastBeforeRestart = 0;
        for (int i = 0; i < 5_000; i++) {
            clock.addAndGet(i % 100 == 0 ? 1 : 0);
            lastBeforeRestart = first.next();
            issued.add(lastBeforeRestart);
        }
        first.extendIfDue().await().indefinitely();

        clock.addAndGet(-60_000); // the replacement process starts with its clock a minute behind
        IdClock restarted = new IdClock(session, config, WORKER, clock::get).start();
        for (int i = 0; i < 5_000; i++) {
            long id = restarted.next();
            assertThat(issued).as("id %d was issued before the restart", id).doesNotContain(id);
            assertThat(id).isGreaterThan(lastBeforeRestart);
        }
    }

    @Test
    void withoutTheStoredReservation_aClockBehindWouldReissue() {
        // The hazard the table exists for: a generator that only trusts its clock repeats ids.
        long t = System.currentTimeMillis();
        long before = new SnowflakeIds(WORKER, () -> t).next();
        long afterRestartBehind = new SnowflakeIds(WORKER, () -> t).next();
        assertThat(afterRestartBehind).isEqualTo(before);
    }

    @Test
    void reservation_runsAheadOfTheLatestId_andIsExtended() {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        IdClock ids = new IdClock(session, config, WORKER, clock::get).start();
        long firstReservation = ids.reservedUntil();
        assertThat(SnowflakeIds.millisOf(ids.next())).isLessThan(firstReservation);

        clock.addAndGet(IdClock.AHEAD.toMillis());
        long later = ids.next();
        ids.extendIfDue().await().indefinitely();

        assertThat(ids.reservedUntil()).isGreaterThan(SnowflakeIds.millisOf(later)).isGreaterThan(firstReservation);
        long stored = session.execute("SELECT reserved_until FROM " + config.keyspace() + ".id_clocks WHERE worker_id = " + WORKER)
                .one().getLong("reserved_until");
        assertThat(stored).isEqualTo(ids.reservedUntil());
    }
}
