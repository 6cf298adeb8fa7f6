package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxConfig;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Cursor;
import dev.feed.post.Tombstones;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Many authors' outboxes after a cursor in one pipelined round trip, with Cassandra behind the
 * ones that are cold (no key: the author never posted, or Redis lost it).
 *
 * <p>A cold author whose whole history fits the page is written back to Redis (with the outbox
 * sentinel, so "never posted" becomes an outbox that says so): the next reader of that author, or
 * the next returning reader who follows 500 mostly silent accounts, reads Redis, not Cassandra.
 */
@ApplicationScoped
public class OutboxReader {
    private static final Logger LOG = Logger.getLogger(OutboxReader.class);

    private final Redis redis;
    private final OutboxConfig outboxConfig;
    private final ArchiveReader archive;
    private final OutboxStore outboxes;
    private final Tombstones tombstones;
    private final Counter reads;

    public OutboxReader(Redis redis, OutboxConfig outboxConfig, ArchiveReader archive, OutboxStore outboxes, Tombstones tombstones,
            MeterRegistry registry) {
        this.redis = redis;
        this.outboxConfig = outboxConfig;
        this.archive = archive;
        this.outboxes = outboxes;
        this.tombstones = tombstones;
        // What the hot-cache saves: with it off, every pull-tier followee of every read is one of these.
        this.reads = Counter.builder("feed.timeline.outbox.reads")
                .description("Outboxes read (one per author per call: timeline pages and inbox rebuilds)").register(registry);
    }

    Uni<Map<Long, Window>> windows(List<Long> authorIds, Cursor cursor, int count) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        reads.increment(authorIds.size());
        List<Request> batch = new ArrayList<>(authorIds.size() * ZsetWindows.requestCount(cursor));
        for (long author : authorIds) {
            batch.addAll(ZsetWindows.requests(OutboxStore.key(author), cursor, count));
        }
        return redis.batch(batch)
                .map(responses -> parse(authorIds, responses, cursor, count))
                .chain(windows -> fillColdFromArchive(windows, cursor, count));
    }

    /**
     * Many authors' outboxes above {@code since} in one pipelined round trip. A cold author (no
     * key) maps to null: no Redis window vouches for it, the caller reads Cassandra upward.
     */
    Uni<Map<Long, Window>> windowsSince(List<Long> authorIds, Cursor since, int count) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        reads.increment(authorIds.size());
        List<Request> batch = new ArrayList<>(authorIds.size() * ZsetWindows.SINCE_REQUESTS);
        for (long author : authorIds) {
            batch.addAll(ZsetWindows.sinceRequests(OutboxStore.key(author), since, count));
        }
        return redis.batch(batch).map(responses -> {
            Map<Long, Window> windows = new HashMap<>();
            for (int i = 0; i < authorIds.size(); i++) {
                int offset = i * ZsetWindows.SINCE_REQUESTS;
                windows.put(authorIds.get(i), ZsetWindows.sinceSize(responses, offset) > 0
                        ? ZsetWindows.parseSince(responses, offset, since, count, outboxConfig.maxEntries())
                        : null);
            }
            return windows;
        });
    }

    private Map<Long, Window> parse(List<Long> authorIds, List<Response> responses, Cursor cursor, int count) {
        Map<Long, Window> windows = new HashMap<>();
        for (int i = 0; i < authorIds.size(); i++) {
            int offset = i * ZsetWindows.requestCount(cursor);
            // A missing key is "unknown", not "empty": leave it out so Cassandra answers for it.
            if (ZsetWindows.size(responses, offset, cursor) > 0) {
                windows.put(authorIds.get(i), ZsetWindows.parse(responses, offset, cursor, count, outboxConfig.maxEntries()));
            }
        }
        for (long author : authorIds) {
            windows.putIfAbsent(author, null);
        }
        return windows;
    }

    private Uni<Map<Long, Window>> fillColdFromArchive(Map<Long, Window> windows, Cursor cursor, int count) {
        List<Long> cold = new ArrayList<>();
        windows.forEach((author, window) -> {
            if (window == null) {
                cold.add(author);
            }
        });
        if (cold.isEmpty()) {
            return Uni.createFrom().item(windows);
        }
        return archive.before(cold, cursor, count).chain(found -> {
            Map<Long, List<PostRef>> complete = new HashMap<>();
            for (long author : cold) {
                List<PostRef> refs = found.getOrDefault(author, List.of());
                // Cassandra is complete: a short answer means the author has nothing older.
                windows.put(author, new Window(refs, null));
                if (cursor == null && refs.size() < count) {
                    complete.put(author, refs);
                }
            }
            // Only whole histories go back: a partial one would make the outbox claim an end it does not have.
            return outboxes.warm(complete)
                    .chain(() -> dropDeletedAfterWarm(complete))
                    .onFailure().invoke(e -> LOG.debugf("outbox warm-up skipped: %s", e.toString()))
                    .onFailure().recoverWithNull()
                    .replaceWith(windows);
        });
    }

    /**
     * A delete can land between the Cassandra read and the write-back: its outbox ZREM then ran
     * before the ZADD (on a key that did not exist yet) and the post would sit in the outbox until
     * trimmed. A delete marks its tombstone before it removes from the outbox, so checking the
     * tombstones after the write-back catches every such post: either its tombstone is visible
     * now, or its ZREM is still to come.
     */
    private Uni<Void> dropDeletedAfterWarm(Map<Long, List<PostRef>> warmed) {
        Map<Long, Long> authorOf = new HashMap<>();
        warmed.forEach((author, refs) -> refs.forEach(ref -> authorOf.put(ref.postId(), author)));
        if (authorOf.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tombstones.deleted(new ArrayList<>(authorOf.keySet())).chain(deleted -> {
            if (deleted.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Request> batch = new ArrayList<>(deleted.size());
            for (long postId : deleted) {
                batch.add(Request.cmd(Command.ZREM).arg(OutboxStore.key(authorOf.get(postId))).arg(postId));
            }
            return redis.batch(batch).replaceWithVoid();
        });
    }
}
