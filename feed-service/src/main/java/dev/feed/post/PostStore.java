package dev.feed.post;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.feed.schema.CassandraConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Durable posts in Cassandra, read and written at the configured consistency (LOCAL_QUORUM). */
@ApplicationScoped
public class PostStore {
    private final CqlSession session;
    private final CassandraConfig config;
    private volatile Prepared prepared;

    public PostStore(CqlSession session, CassandraConfig config) {
        this.session = session;
        this.config = config;
    }

    /** Month bucket (yyyymm) of an author partition in {@code posts_by_author}. */
    public static int bucketOf(Instant at) {
        var d = at.atZone(ZoneOffset.UTC);
        return d.getYear() * 100 + d.getMonthValue();
    }

    /**
     * Writes the post, its by-author row, its bucket and its pending-fanout record in one logged
     * batch: Cassandra's batchlog makes the four land together or not at all, so a post is never
     * durable without the record that guarantees its fanout.
     */
    public Uni<Void> insertWithPendingFanout(Post post, int pendingShard) {
        Prepared p = prepared();
        int bucket = bucketOf(post.createdAt());
        BatchStatement batch = BatchStatement.newInstance(DefaultBatchType.LOGGED,
                p.insertPost.bind(post.id(), post.authorId(), post.text(), post.createdAt()),
                p.insertByAuthor.bind(post.authorId(), bucket, post.createdAt(), post.id(), post.text()),
                p.insertBucket.bind(post.authorId(), bucket),
                p.insertPending.bind(pendingShard, post.id(), post.authorId(), post.createdAt(), "publish"));
        return run(batch).replaceWithVoid();
    }

    public Uni<Optional<Post>> find(long id) {
        return run(prepared().selectPost.bind(id)).map(rs -> Optional.ofNullable(rs.one()).map(PostStore::toPost));
    }

    /** Loads many posts concurrently (one async request each, all in flight at once); missing ids are absent. */
    public Uni<Map<Long, Post>> findAll(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Optional<Post>>> loads = new ArrayList<>(ids.size());
        for (long id : ids) {
            loads.add(find(id));
        }
        return Uni.join().all(loads).andFailFast().map(found -> {
            Map<Long, Post> byId = new HashMap<>();
            found.forEach(o -> o.ifPresent(post -> byId.put(post.id(), post)));
            return byId;
        });
    }

    private Uni<AsyncResultSet> run(Statement<?> statement) {
        Statement<?> s = statement.setConsistencyLevel(config.consistencyLevel());
        CompletionStage<AsyncResultSet> stage = session.executeAsync(s);
        return Uni.createFrom().completionStage(stage);
    }

    static Post toPost(Row row) {
        return new Post(row.getLong("id"), row.getLong("author_id"), row.getString("text"),
                row.getInstant("created_at"), row.getInstant("deleted_at"));
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

    /** Statements prepared once, on first use (after the schema migrator created the tables). */
    private static final class Prepared {
        final PreparedStatement insertPost;
        final PreparedStatement insertByAuthor;
        final PreparedStatement insertBucket;
        final PreparedStatement insertPending;
        final PreparedStatement selectPost;

        Prepared(CqlSession s, String ks) {
            insertPost = s.prepare("INSERT INTO " + ks + ".posts (id, author_id, text, created_at) VALUES (?, ?, ?, ?)");
            insertByAuthor = s.prepare("INSERT INTO " + ks + ".posts_by_author (author_id, bucket, created_at, id, text) VALUES (?, ?, ?, ?, ?)");
            insertBucket = s.prepare("INSERT INTO " + ks + ".author_buckets (author_id, bucket) VALUES (?, ?)");
            insertPending = s.prepare("INSERT INTO " + ks + ".pending_fanout (shard, post_id, author_id, created_at, kind) VALUES (?, ?, ?, ?, ?)");
            selectPost = s.prepare("SELECT id, author_id, text, created_at, deleted_at FROM " + ks + ".posts WHERE id = ?");
        }
    }
}
