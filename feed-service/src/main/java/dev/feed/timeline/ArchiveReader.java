package dev.feed.timeline;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.PostStore;
import dev.feed.schema.CassandraConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Authors' posts past the Redis window, from Cassandra {@code posts_by_author}: the durable copy
 * a timeline falls back to so it never ends early because a cache was trimmed or lost.
 *
 * <p>Read-only and separate from {@link PostStore} on purpose: it owns nothing but its prepared
 * statements. An author's partitions are month buckets; {@code author_buckets} lists the non-empty
 * ones, so paging back skips empty months instead of probing them.
 */
@ApplicationScoped
public class ArchiveReader {
    private final CqlSession session;
    private final CassandraConfig config;
    private final TimelineConfig timeline;
    private volatile Prepared prepared;

    public ArchiveReader(CqlSession session, CassandraConfig config, TimelineConfig timeline) {
        this.session = session;
        this.config = config;
        this.timeline = timeline;
    }

    /** Up to {@code limit} refs per author strictly older than {@code before} (null: from the newest), newest first. */
    public Uni<Map<Long, List<PostRef>>> before(Collection<Long> authorIds, Cursor before, int limit) {
        if (authorIds.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(Map.of());
        }
        return Multi.createFrom().iterable(authorIds)
                .onItem().transformToUni(author -> before(author, before, limit).map(refs -> Map.entry(author, refs)))
                .merge(timeline.archiveConcurrency())
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(HashMap::new);
    }

    /** Up to {@code limit} of one author's refs strictly older than {@code before}, newest first. */
    public Uni<List<PostRef>> before(long authorId, Cursor before, int limit) {
        int fromBucket = before == null ? Integer.MAX_VALUE : PostStore.bucketOf(Instant.ofEpochMilli(before.createdAtMillis()));
        return run(prepared().buckets.bind(authorId, fromBucket))
                .chain(rs -> collectBuckets(rs, new ArrayList<>()))
                .chain(buckets -> readBuckets(authorId, buckets, 0, before, limit, new ArrayList<>()));
    }

    private Uni<List<Integer>> collectBuckets(AsyncResultSet rs, List<Integer> acc) {
        for (Row row : rs.currentPage()) {
            acc.add(row.getInt("bucket"));
        }
        if (!rs.hasMorePages()) {
            return Uni.createFrom().item(acc);
        }
        return Uni.createFrom().completionStage(rs.fetchNextPage()).chain(next -> collectBuckets(next, acc));
    }

    /** Newest bucket first, one query each, stopping as soon as the limit is reached. */
    private Uni<List<PostRef>> readBuckets(long authorId, List<Integer> buckets, int i, Cursor before, int limit, List<PostRef> acc) {
        if (i >= buckets.size() || acc.size() >= limit) {
            return Uni.createFrom().item(acc);
        }
        int want = limit - acc.size();
        Statement<?> query = before == null
                ? prepared().newest.bind(authorId, buckets.get(i), want)
                : prepared().older.bind(authorId, buckets.get(i), Instant.ofEpochMilli(before.createdAtMillis()), before.postId(), want);
        return run(query).chain(rs -> {
            // Limit <= page size: one page holds the whole answer.
            for (Row row : rs.currentPage()) {
                acc.add(new PostRef(row.getLong("id"), row.getInstant("created_at").toEpochMilli()));
            }
            return readBuckets(authorId, buckets, i + 1, before, limit, acc);
        });
    }

    private Uni<AsyncResultSet> run(Statement<?> statement) {
        return Uni.createFrom().completionStage(session.executeAsync(statement.setConsistencyLevel(config.consistencyLevel())));
    }

    private Prepared prepared() {
        Prepared p = prepared;
        if (p == null) {
            synchronized (this) {
                if (prepared == null) {
                    prepared = new Prepared(session, config.keyspace());
                }
                p = prepared;
            }
        }
        return p;
    }

    private static final class Prepared {
        final PreparedStatement buckets;
        final PreparedStatement newest;
        final PreparedStatement older;

        Prepared(CqlSession s, String ks) {
            buckets = s.prepare("SELECT bucket FROM " + ks + ".author_buckets WHERE author_id = ? AND bucket <= ?");
            newest = s.prepare("SELECT id, created_at FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? LIMIT ?");
            // A tuple bound on the clustering key is exact for equal-millisecond posts: (ms, id) < (cursor).
            older = s.prepare("SELECT id, created_at FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ?"
                    + " AND (created_at, id) < (?, ?) LIMIT ?");
        }
    }
}
