package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxConfig;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Cursor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
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
    private final Counter reads;

    public OutboxReader(Redis redis, OutboxConfig outboxConfig, ArchiveReader archive, OutboxStore outboxes, MeterRegistry registry) {
        this.redis = redis;
        this.outboxConfig = outboxConfig;
        this.archive = archive;
        this.outboxes = outboxes;
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
                    .onFailure().invoke(e -> LOG.debugf("outbox warm-up skipped: %s", e.toString()))
                    .onFailure().recoverWithNull()
                    .replaceWith(windows);
        });
    }
}
