package dev.feed.timeline;

import dev.feed.hotcache.OutboxLoader;
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
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Many authors' outboxes after a cursor in one pipelined round trip, with Cassandra behind the
 * ones Redis cannot vouch for: cold (no key: the author never posted, or Redis lost it) or partial
 * (no sentinel and below the cap). Every reader of outboxes goes through here (timeline pages,
 * inbox rebuilds, hot-cache loads, publish after a lost outbox), so each one repairs what it finds.
 *
 * <p>A first page writes what Cassandra answered back to Redis (with the outbox sentinel when that
 * is the whole history, so "never posted" becomes an outbox that says so): the next reader of that
 * author, or the next returning reader who follows 500 mostly silent accounts, reads Redis.
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
        reads.increment(authorIds.size());
        return read(authorIds, cursor, count, archiveLimit(cursor, count));
    }

    /**
     * First windows of {@code count} refs for an inbox rebuild. Unlike {@link #windows}, a cold
     * author is read from Cassandra only to {@code count} refs, not to the outbox cap: a rebuild
     * asks for what can still rank in the rebuilt inbox (its first load, then deeper rounds for
     * the few followees that rank above the cut), so one rebuild over 5,000 cold followees reads
     * about 5,000 x the first load refs instead of up to 5,000 x 800. An author read to its end
     * (or to the cap) is written back as on any first page; one read only in part stays cold, since
     * an outbox without its sentinel below the cap would not be trusted anyway.
     */
    Uni<Map<Long, Window>> rebuildWindows(List<Long> authorIds, int count) {
        reads.increment(authorIds.size());
        return read(authorIds, null, count, count);
    }

    /**
     * The author's newest {@code k} refs, or the whole history if shorter: what the hot-cache loads
     * (it takes a short list for the whole history). A lost or partial outbox is warmed on the way.
     */
    public Uni<List<PostRef>> newest(long authorId, int k) {
        return read(List.of(authorId), null, k, archiveLimit(null, k)).map(windows -> windows.get(authorId).refs());
    }

    /** The hot-cache's loader (dev.feed.hot builds the cache; the outbox reading lives here). */
    @Produces
    @Singleton
    OutboxLoader hotCacheLoader() {
        return (authorId, k) -> newest(authorId, k).subscribeAsCompletionStage();
    }

    /** Makes sure the author's outbox exists and can be trusted (publish calls it when its push found no outbox). */
    public Uni<Void> warm(long authorId) {
        return read(List.of(authorId), null, 1, archiveLimit(null, 1)).replaceWithVoid();
    }

    /** A first page reads cold authors as deep as the outbox cap, so their outboxes can be written back whole. */
    private int archiveLimit(Cursor cursor, int count) {
        return cursor == null ? Math.max(count, outboxConfig.maxEntries()) : count;
    }

    /** {@code archiveLimit}: how many refs of each cold author Cassandra is asked for (at least {@code count}). */
    private Uni<Map<Long, Window>> read(List<Long> authorIds, Cursor cursor, int count, int archiveLimit) {
        if (authorIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Request> batch = new ArrayList<>(authorIds.size() * ZsetWindows.requestCount(cursor));
        for (long author : authorIds) {
            batch.addAll(ZsetWindows.requests(OutboxStore.key(author), cursor, count));
        }
        return redis.batch(batch)
                .map(responses -> parse(authorIds, responses, cursor, count))
                .chain(windows -> fillColdFromArchive(windows, cursor, count, archiveLimit));
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
            long size = ZsetWindows.size(responses, offset);
            // A missing key is "unknown", not "empty": leave it out so Cassandra answers for it. So is
            // an outbox without its sentinel below the cap: made by a push onto a lost key (before
            // pushes checked), or trimmed and then shortened by deletes; it only vouches for a part.
            if (size > 0) {
                Window window = ZsetWindows.parse(responses, offset, cursor, count);
                if (window.floor() == null || size >= outboxConfig.maxEntries()) {
                    windows.put(authorIds.get(i), window);
                }
            }
        }
        for (long author : authorIds) {
            windows.putIfAbsent(author, null);
        }
        return windows;
    }

    /**
     * Cassandra answers for the outboxes Redis could not vouch for, {@code limit} refs each. On a
     * first page it writes back what it read, so the next read of that author is Redis again: with
     * the sentinel when that was the whole history, else as a full outbox when it read as many as
     * the outbox cap (a first page asks for that many; a rebuild may ask for fewer).
     */
    private Uni<Map<Long, Window>> fillColdFromArchive(Map<Long, Window> windows, Cursor cursor, int count, int limit) {
        List<Long> cold = new ArrayList<>();
        windows.forEach((author, window) -> {
            if (window == null) {
                cold.add(author);
            }
        });
        if (cold.isEmpty()) {
            return Uni.createFrom().item(windows);
        }
        return archive.eachBefore(cold, cursor, limit).chain(found -> {
            Map<Long, List<PostRef>> warmed = new HashMap<>();
            Set<Long> complete = new HashSet<>();
            for (long author : cold) {
                List<PostRef> refs = found.getOrDefault(author, List.of());
                windows.put(author, archiveWindow(refs, count, limit));
                // Cassandra is complete: a short answer means the author has nothing older.
                boolean whole = refs.size() < limit;
                if (cursor == null && (whole || refs.size() >= outboxConfig.maxEntries())) {
                    warmed.put(author, refs);
                    if (whole) {
                        complete.add(author);
                    }
                }
            }
            return outboxes.warm(warmed, complete)
                    .chain(() -> dropDeletedAfterWarm(warmed))
                    .onFailure().invoke(e -> LOG.debugf("outbox warm-up skipped: %s", e.toString()))
                    .onFailure().recoverWithNull()
                    .replaceWith(windows);
        });
    }

    /**
     * The first {@code count} of what Cassandra answered to a read of {@code limit}: cut short here,
     * or as long as the limit (more may exist), it vouches only down to the last ref it keeps.
     */
    private static Window archiveWindow(List<PostRef> refs, int count, int limit) {
        if (refs.size() < limit && refs.size() <= count) {
            return new Window(refs, null);
        }
        List<PostRef> kept = List.copyOf(refs.subList(0, Math.min(count, refs.size())));
        return new Window(kept, kept.isEmpty() ? null : Window.at(kept.get(kept.size() - 1)));
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
