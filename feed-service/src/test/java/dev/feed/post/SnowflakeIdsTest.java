package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnowflakeIdsTest {
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void next_encodesMillisAndWorker() {
        SnowflakeIds ids = new SnowflakeIds(513, () -> T0);
        long id = ids.next();
        assertThat(SnowflakeIds.millisOf(id)).isEqualTo(T0);
        assertThat(SnowflakeIds.workerOf(id)).isEqualTo(513);
        assertThat(id).isPositive();
    }

    @Test
    void next_sameMillisecond_staysUniqueAndIncreasing_pastTheSequenceLimit() {
        SnowflakeIds ids = new SnowflakeIds(1, () -> T0);
        long previous = 0;
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long id = ids.next();
            assertThat(id).isGreaterThan(previous);
            assertThat(seen.add(id)).isTrue();
            previous = id;
        }
        assertThat(SnowflakeIds.millisOf(previous)).as("borrowed two milliseconds after 8192 ids").isEqualTo(T0 + 2);
    }

    @Test
    void next_clockStepsBack_neverReusesOrDecreases() {
        AtomicLong clock = new AtomicLong(T0);
        SnowflakeIds ids = new SnowflakeIds(7, clock::get);
        long before = ids.next();
        clock.set(T0 - 5_000);
        long during = ids.next();
        clock.set(T0 + 1);
        long after = ids.next();
        assertThat(during).isGreaterThan(before);
        assertThat(after).isGreaterThan(during);
        assertThat(SnowflakeIds.millisOf(during)).isEqualTo(T0);
    }

    @Test
    void differentWorkers_sameMillisecond_neverCollide() {
        long a = new SnowflakeIds(1, () -> T0).next();
        long b = new SnowflakeIds(2, () -> T0).next();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void workerIdOutOfRange_isRejected() {
        assertThatThrownBy(() -> new SnowflakeIds(1024, () -> T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnowflakeIds(-1, () -> T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void next_startingFromAFloorWithTheClockBehindIt_issuesOnlyLaterMilliseconds() {
        SnowflakeIds ids = new SnowflakeIds(7, () -> T0 - 60_000, T0);
        long first = ids.next();
        assertThat(SnowflakeIds.millisOf(first)).isEqualTo(T0 + 1);
        assertThat(ids.next()).isGreaterThan(first);
    }
}
