package dev.feed.post;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.feed.schema.CassandraConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One author's posts strictly newer than a position, oldest first, from Cassandra
 * {@code posts_by_author}: the upward read that {@code since} needs where no Redis window vouches
 * for the range (a trimmed inbox, a cold outbox, or an author's own listing). {@link PostStore}
 * only walks downward; this walks the month buckets upward from the position's bucket, reading
 * each partition in reversed clustering order, and stops once the limit is reached.
 */
@ApplicationScoped
public class PostsAfter {
    private final CqlSession session;
    private final CassandraConfig config;
    private volatile Statements statements;

    public PostsAfter(CqlSession session, CassandraConfig config) {
        this.session = session;
        this.config = config;
    }

    /** Up to {@code limit} posts of the author strictly newer than {@code after}, oldest first (text included, deleted_at unknown). */
    public Uni<List<Post>> posts(long authorId, Cursor after, int limit) {
        Statements s = statements();
        int fromBucket = PostStore.bucketOf(Instant.ofEpochMilli(after.createdAtMillis()));
        return run(s.bucketsFrom.bind(authorId, fromBucket))
                .chain(rs -> buckets(rs, new ArrayList<>()))
                .chain(buckets -> read(authorId, buckets, 0, after, limit, new ArrayList<>()));
    }

    private Uni<List<Integer>> buckets(AsyncResultSet rs, List<Integer> acc) {
        for (Row row : rs.currentPage()) {
            acc.add(row.getInt("bucket"));
        }
        if (!rs.hasMorePages()) {
            return Uni.createFrom().item(acc);
        }
        return Uni.createFrom().completionStage(rs.fetchNextPage()).chain(next -> buckets(next, acc));
    }

    /** Oldest bucket first (the query returns them ascending), one query each, until the limit. */
    private Uni<List<Post>> read(long authorId, List<Integer> buckets, int i, Cursor after, int limit, List<Post> acc) {
        if (i >= buckets.size() || acc.size() >= limit) {
            return Uni.createFrom().item(acc);
        }
        int want = limit - acc.size();
        Statement<?> query = statements().after.bind(authorId, buckets.get(i), Instant.ofEpochMilli(after.createdAtMillis()),
                after.postId(), want);
        return run(query).chain(rs -> {
            for (Row row : rs.currentPage()) {
                acc.add(new Post(row.getLong("id"), authorId, row.getString("text"), row.getInstant("created_at"), null,
                        row.getLong("repost_of")));
            }
            return read(authorId, buckets, i + 1, after, limit, acc);
        });
    }

    private Uni<AsyncResultSet> run(Statement<?> statement) {
        return Uni.createFrom().completionStage(session.executeAsync(statement.setConsistencyLevel(config.consistencyLevel())));
    }

    private Statements statements() {
        Statements s = statements;
        if (s == null) {
            synchronized (this) {
                if (statements == null) {
                    statements = new Statements(session, config.keyspace());
                }
                s = statements;
            }
        }
        return s;
    }

    private static final class Statements {
        final PreparedStatement bucketsFrom;
        final PreparedStatement after;

        Statements(CqlSession s, String ks) {
            bucketsFrom = s.prepare("SELECT bucket FROM " + ks + ".author_buckets WHERE author_id = ? AND bucket >= ? ORDER BY bucket ASC");
            // Reversed clustering order: the partition read upward from the position, exact for equal milliseconds.
            after = s.prepare("SELECT id, text, created_at, repost_of FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ?"
                    + " AND (created_at, id) > (?, ?) ORDER BY created_at ASC, id ASC LIMIT ?");
        }
    }
}
