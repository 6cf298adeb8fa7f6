package dev.feed.perf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Redis itself counts, read around a measured window: per-command calls from
 * {@code INFO commandstats} (commands run inside Lua scripts are counted under their own names as
 * well as the EVALSHA that ran them), and the memory of the inbox keys.
 */
final class RedisStats {
    /** Commands the harness sends while measuring (INFO, SCAN, MEMORY, the progress endpoint's HMGET): never counted. */
    static final Set<String> HARNESS = Set.of("info", "scan", "memory", "hmget", "ping", "config", "unlink", "client", "hello",
            "command");
    /** The sorted-set writes: an insertion (inbox or outbox) and the trims that keep them capped. */
    static final Set<String> ZSET_WRITES = Set.of("zadd", "zrem", "zremrangebyrank", "zremrangebyscore");
    static final Set<String> SCRIPTS = Set.of("evalsha", "eval", "evalsha_ro", "eval_ro", "fcall");

    private final int port;

    RedisStats(int port) {
        this.port = port;
    }

    /** calls per command name (lower case) since the server started. */
    Map<String, Long> commandCalls() {
        try (Resp redis = new Resp("127.0.0.1", port)) {
            Map<String, Long> calls = new HashMap<>();
            for (String line : ((String) redis.call("INFO", "commandstats")).split("\r\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    String stats = line.substring(line.indexOf(':') + 1);
                    for (String kv : stats.split(",")) {
                        if (kv.startsWith("calls=")) {
                            calls.put(name, Long.parseLong(kv.substring(6)));
                        }
                    }
                }
            }
            return calls;
        }
    }

    /**
     * {@code total_reads_processed} of INFO stats: socket reads Redis handled, one per request
     * that arrived on its own and one per pipelined batch or script call read in one go. Over a
     * window of reads it counts round trips, which commandstats cannot (a pipeline of three
     * commands is three calls but one read).
     */
    long readsProcessed() {
        try (Resp redis = new Resp("127.0.0.1", port)) {
            for (String line : ((String) redis.call("INFO", "stats")).split("\r\n")) {
                if (line.startsWith("total_reads_processed:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return 0;
        }
    }

    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    static long sum(Map<String, Long> delta, Set<String> names) {
        return delta.entrySet().stream().filter(e -> names.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** Every command but the harness's own (see {@link #HARNESS}). */
    static long sumExceptHarness(Map<String, Long> delta) {
        return delta.entrySet().stream().filter(e -> !HARNESS.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** {keys, bytes}: MEMORY USAGE (exact, SAMPLES 0) summed over every key matching the pattern. */
    long[] memory(String pattern) {
        long keys = 0;
        long bytes = 0;
        try (Resp redis = new Resp("127.0.0.1", port)) {
            Object cursor = "0";
            do {
                List<?> scan = (List<?>) redis.call("SCAN", cursor, "MATCH", pattern, "COUNT", "5000");
                cursor = scan.get(0);
                List<?> found = (List<?>) scan.get(1);
                for (Object key : found) {
                    redis.queue("MEMORY", "USAGE", key, "SAMPLES", "0");
                }
                if (!found.isEmpty()) {
                    for (Object r : redis.flush()) {
                        if (r instanceof Long n) {
                            keys++;
                            bytes += n;
                        }
                    }
                }
            } while (!"0".equals(cursor));
        }
        return new long[] {keys, bytes};
    }

    /** UNLINKs every key matching each pattern; returns how many. */
    long unlink(String... patterns) {
        long n = 0;
        try (Resp redis = new Resp("127.0.0.1", port)) {
            for (String pattern : patterns) {
                Object cursor = "0";
                do {
                    List<?> scan = (List<?>) redis.call("SCAN", cursor, "MATCH", pattern, "COUNT", "10000");
                    cursor = scan.get(0);
                    List<?> keys = (List<?>) scan.get(1);
                    if (!keys.isEmpty()) {
                        List<Object> del = new ArrayList<>();
                        del.add("UNLINK");
                        del.addAll(keys);
                        n += (Long) redis.call(del.toArray());
                    }
                } while (!"0".equals(cursor));
            }
        }
        return n;
    }

    /** Every reader's inbox state: inboxes, their rebuild floors and locks. */
    long clearInboxes() {
        return unlink("inbox:*", "inbox-floor:*", "rebuild:*");
    }

    /** Makes each user an active reader with an empty inbox (the score-0 sentinel), as a fresh rebuild leaves it. */
    void activate(List<Long> userIds, long ttlMillis) {
        try (Resp redis = new Resp("127.0.0.1", port)) {
            int queued = 0;
            for (long id : userIds) {
                redis.queue("ZADD", "inbox:{" + id + "}", 0, "0");
                redis.queue("PEXPIRE", "inbox:{" + id + "}", ttlMillis);
                if ((queued += 2) >= 20_000) {
                    redis.flush();
                    queued = 0;
                }
            }
            redis.flush();
        }
    }
}
