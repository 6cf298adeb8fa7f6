package dev.feed.timeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many authors' outboxes after a cursor in one pipelined round trip, with Cassandra behind the
 * ones that are cold (no key: the author never posted, or Redis lost it).
 *
 * <p>Authors confirmed empty in Cassandra are remembered for a short while, so a reader who never
 * posted does not cost a Cassandra read on every page. A post they publish lands in their outbox,
 * which is read first, so the memory hides nothing but a post lost from Redis in that short while.
 */
@ApplicationScoped
public class OutboxReader {
    private final Redis redis;
    private final OutboxConfig outboxConfig;
    private final ArchiveReader archive;
    private final Counter reads;
    private final Cache<Long, Boolean> knownEmpty = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterWrite(Duration.ofSeconds(30)).build();

    public OutboxReader(Redis redis, OutboxConfig outboxConfig, ArchiveReader archive, MeterRegistry registry) {
        this.redis = redis;
        this.outboxConfig = outboxConfig;
        this.archive = archive;
        // What the hot-cache saves: with it off, every pull-tier followee of every read is one of these.
        this.reads = Counter.builder("feed.timeline.outbox.reads")
                .description("Outboxes read (one per author per call: timeline pages and inbox rebuilds)").register(registry);
    }

    Uni<Map<Long, Window>> windows(List<Long> authorIds, Cursor cursor, int count) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        reads.increment(authorIds.size());
        List<Request> batch = new ArrayList<>(authorIds.size() * ZsetWindows.REQUESTS);
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
            int offset = i * ZsetWindows.REQUESTS;
            // A missing key is "unknown", not "empty": leave it out so Cassandra answers for it.
            if (ZsetWindows.size(responses, offset) > 0) {
                windows.put(authorIds.get(i), ZsetWindows.parse(responses, offset, cursor, count, outboxConfig.maxEntries()));
            }
        }
        List<Long> cold = new ArrayList<>();
        for (long author : authorIds) {
            if (!windows.containsKey(author)) {
                if (knownEmpty.getIfPresent(author) != null) {
                    windows.put(author, Window.EMPTY);
                } else {
                    cold.add(author);
                }
            }
        }
        cold.forEach(author -> windows.put(author, null));
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
        return archive.before(cold, cursor, count).map(found -> {
            for (long author : cold) {
                List<PostRef> refs = found.getOrDefault(author, List.of());
                if (refs.isEmpty() && cursor == null) {
                    knownEmpty.put(author, Boolean.TRUE);
                }
                // Cassandra is complete: a short answer means the author has nothing older.
                windows.put(author, new Window(refs, null));
            }
            return windows;
        });
    }
}
