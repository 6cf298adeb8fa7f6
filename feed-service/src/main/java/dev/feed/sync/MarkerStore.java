package dev.feed.sync;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.feed.post.Cursor;
import dev.feed.schema.CassandraConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * The read marker, durable in Cassandra {@code timeline_markers} (schema V005).
 *
 * <p>Monotonic without a compare: each write carries {@code USING TIMESTAMP <postId>}, and a
 * Snowflake id orders positions as (createdAt, id) does (createdAt is derived from the id, which
 * {@link MarkerResource} checks), so Cassandra's last-write-wins keeps the newest position
 * whichever device or instance writes last, and a retried or reordered write is harmless. Why not
 * Redis with a Lua compare: Redis is a cache here (no persistence), a flush would lose every
 * marker or, refilled from a stale source, move one backwards; why not an LWT: Paxos costs four
 * round trips where this costs one write, for the same outcome.
 */
@ApplicationScoped
public class MarkerStore {
    private final CqlSession session;
    private final CassandraConfig config;
    private volatile Statements statements;

    public MarkerStore(CqlSession session, CassandraConfig config) {
        this.session = session;
        this.config = config;
    }

    public record Marker(Cursor position, Instant updatedAt) {
    }

    /** Moves the marker to the position if it is newer; answers the stored marker (read at the same consistency). */
    public Uni<Optional<Marker>> advance(long userId, Cursor position, Instant now) {
        return run(statements().write.bind(userId, position.createdAtMillis(), position.postId(), now, position.postId()))
                .chain(() -> read(userId));
    }

    public Uni<Optional<Marker>> read(long userId) {
        return run(statements().read.bind(userId)).map(rs -> {
            Row row = rs.one();
            if (row == null || row.isNull("post_id")) {
                return Optional.empty();
            }
            return Optional.of(new Marker(new Cursor(row.getLong("created_at_ms"), row.getLong("post_id")), row.getInstant("updated_at")));
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
        final PreparedStatement write;
        final PreparedStatement read;

        Statements(CqlSession s, String ks) {
            write = s.prepare("INSERT INTO " + ks + ".timeline_markers (user_id, created_at_ms, post_id, updated_at) VALUES (?, ?, ?, ?)"
                    + " USING TIMESTAMP ?");
            read = s.prepare("SELECT created_at_ms, post_id, updated_at FROM " + ks + ".timeline_markers WHERE user_id = ?");
        }
    }
}
