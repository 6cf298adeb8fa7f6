package dev.feed.post;

import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * Time-ordered 64-bit ids: 41 bits of milliseconds since {@link #EPOCH_MILLIS}, 10 bits of
 * worker id, 12 bits of sequence (4096 ids per millisecond per worker).
 *
 * <p>Clock safety: the generator never goes back. If the wall clock steps back, it keeps
 * issuing ids from the last millisecond it used (borrowing the next millisecond when that
 * millisecond's sequence is exhausted) until the clock catches up, so ids stay unique and
 * increasing per worker and nothing blocks. Uniqueness across instances rests on distinct
 * worker ids (configuration, see {@code feed.ids.worker-id}).
 *
 * <p>Across restarts: a process that starts with its clock behind the last millisecond its
 * predecessor used would reissue that predecessor's ids. {@code notBeforeMillis} (the persisted
 * reservation, see {@link IdClock}) makes the new generator start after it, as if the clock had
 * stepped back within one process.
 */
public final class SnowflakeIds {
    /** 2025-01-01T00:00:00Z: 2^41 ms from here lasts until 2094. */
    public static final long EPOCH_MILLIS = 1_735_689_600_000L;
    static final int WORKER_BITS = 10;
    static final int SEQUENCE_BITS = 12;
    public static final int MAX_WORKER_ID = (1 << WORKER_BITS) - 1;
    private static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

    private final long workerId;
    private final LongSupplier clockMillis;
    private long lastMillis = -1;
    private long sequence;

    public SnowflakeIds(int workerId, LongSupplier clockMillis) {
        this(workerId, clockMillis, -1);
    }

    /** A generator that issues no id at or before {@code notBeforeMillis} (a previous run's last millisecond). */
    public SnowflakeIds(int workerId, LongSupplier clockMillis, long notBeforeMillis) {
        if (workerId < 0 || workerId > MAX_WORKER_ID) {
            throw new IllegalArgumentException("worker id must be 0.." + MAX_WORKER_ID + ", got " + workerId);
        }
        this.workerId = workerId;
        this.clockMillis = clockMillis;
        this.lastMillis = notBeforeMillis;
        this.sequence = MAX_SEQUENCE; // so the first id moves past notBeforeMillis even on a clock behind it
    }

    /** The millisecond of the latest id issued (or the floor it started from). */
    public synchronized long lastMillis() {
        return lastMillis;
    }

    public int workerId() {
        return (int) workerId;
    }

    public synchronized long next() {
        long now = Math.max(clockMillis.getAsLong(), EPOCH_MILLIS);
        if (now > lastMillis) {
            lastMillis = now;
            sequence = 0;
        } else if (++sequence > MAX_SEQUENCE) {
            // Same (or earlier, after a clock step back) millisecond and its sequence is used up:
            // move to the next millisecond logically instead of waiting for the clock.
            lastMillis++;
            sequence = 0;
        }
        return ((lastMillis - EPOCH_MILLIS) << (WORKER_BITS + SEQUENCE_BITS)) | (workerId << SEQUENCE_BITS) | sequence;
    }

    public static long millisOf(long id) {
        return (id >>> (WORKER_BITS + SEQUENCE_BITS)) + EPOCH_MILLIS;
    }

    public static Instant instantOf(long id) {
        return Instant.ofEpochMilli(millisOf(id));
    }

    public static int workerOf(long id) {
        return (int) ((id >>> SEQUENCE_BITS) & MAX_WORKER_ID);
    }
}
