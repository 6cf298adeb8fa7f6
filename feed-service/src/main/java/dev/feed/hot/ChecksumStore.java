package dev.feed.hot;

import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each instance's checksum of a hot author's resident list, in the hash
 * {@code hotcache:checksums:{authorId}} (field = instance id, value = {@code <hex>:<version>:<writtenAtMillis>}),
 * and the outbox checksum they are verified against. The hash shares the author's hash tag with
 * {@code outbox:{authorId}}, so one author's verification stays in one Redis Cluster slot.
 */
@ApplicationScoped
public class ChecksumStore {
    /** A hash whose author nobody keeps resident any more disappears on its own. */
    private static final Duration KEY_TTL = Duration.ofDays(1);

    private final Redis redis;

    public ChecksumStore(Redis redis) {
        this.redis = redis;
    }

    public static String key(long authorId) {
        return "hotcache:checksums:{" + authorId + "}";
    }

    /** One instance's recorded checksum. */
    public record Recorded(long checksum, long version, long writtenAtMillis) {
        static Recorded parse(String raw) {
            String[] parts = raw.split(":");
            return new Recorded(Long.parseUnsignedLong(parts[0], 16), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }

        String encode() {
            return Long.toHexString(checksum) + ":" + version + ":" + writtenAtMillis;
        }
    }

    /** What verification needs about one author: every instance's checksum and the outbox's. */
    public record AuthorState(long authorId, Map<String, Recorded> instances, long outboxChecksum) {
    }

    /** Records the instance's checksums of these entries, one pipelined round trip. */
    public Uni<Void> record(String instanceId, Collection<AuthorEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        List<Request> batch = new ArrayList<>(entries.size() * 2);
        for (AuthorEntry e : entries) {
            batch.add(Request.cmd(Command.HSET).arg(key(e.authorId())).arg(instanceId)
                    .arg(new Recorded(e.checksum(), e.version(), now).encode()));
            batch.add(Request.cmd(Command.PEXPIRE).arg(key(e.authorId())).arg(KEY_TTL.toMillis()));
        }
        return redis.batch(batch).replaceWithVoid();
    }

    /** Forgets this instance's checksums (shutdown), so verifiers stop comparing a process that is gone. */
    public Uni<Void> forget(String instanceId, Collection<Long> authorIds) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Request> batch = new ArrayList<>(authorIds.size());
        for (long author : authorIds) {
            batch.add(Request.cmd(Command.HDEL).arg(key(author)).arg(instanceId));
        }
        return redis.batch(batch).replaceWithVoid();
    }

    /** Checksum state of many authors, K newest outbox refs each, in one pipelined round trip. */
    public Uni<List<AuthorState>> states(List<Long> authorIds, int k) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Request> batch = new ArrayList<>(authorIds.size() * 2);
        for (long author : authorIds) {
            batch.add(Request.cmd(Command.HGETALL).arg(key(author)));
            batch.add(Request.cmd(Command.ZRANGE).arg(OutboxStore.key(author)).arg("+inf").arg("-inf")
                    .arg("BYSCORE").arg("REV").arg("LIMIT").arg(0).arg(k).arg("WITHSCORES"));
        }
        return redis.batch(batch).map(responses -> {
            List<AuthorState> states = new ArrayList<>(authorIds.size());
            for (int i = 0; i < authorIds.size(); i++) {
                List<PostRef> outbox = OutboxStore.toRefs(responses.get(2 * i + 1));
                states.add(new AuthorState(authorIds.get(i), toRecorded(responses.get(2 * i)),
                        outboxChecksum(outbox, k)));
            }
            return states;
        });
    }

    /** The checksum a correct resident list of this outbox has: same normalisation as the cache. */
    public static long outboxChecksum(List<PostRef> outbox, int k) {
        return HotCache.checksum(PostRef.newestDistinct(outbox, k));
    }

    /** HGETALL as RESP3 (a map) or RESP2 (flat field, value pairs). */
    private static Map<String, Recorded> toRecorded(Response r) {
        Map<String, String> raw = new LinkedHashMap<>();
        if (r != null) {
            if (!r.getKeys().isEmpty()) {
                for (String field : r.getKeys()) {
                    raw.put(field, r.get(field).toString());
                }
            } else {
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    raw.put(r.get(i).toString(), r.get(i + 1).toString());
                }
            }
        }
        Map<String, Recorded> out = new HashMap<>();
        raw.forEach((field, value) -> {
            try {
                out.put(field, Recorded.parse(value));
            } catch (RuntimeException ignored) {
                // a value this version cannot read is treated as absent, not as a mismatch
            }
        });
        return out;
    }
}
