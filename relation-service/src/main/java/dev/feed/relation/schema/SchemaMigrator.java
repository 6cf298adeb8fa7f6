package dev.feed.relation.schema;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies {@code schema/postgres/*.sql} (listed in {@code index.txt}) at startup, each file once,
 * recorded in {@code schema_migrations} with its checksum.
 *
 * <p>All of it runs in one transaction under a transaction-scoped advisory lock, so replicas
 * starting together apply each file exactly once and a failed file leaves nothing half-done.
 * An applied file whose content changed stops the start: migrations are append-only.
 */
@ApplicationScoped
public class SchemaMigrator {
    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    private static final long LOCK_KEY = 0x6665656401L; // "feed" + 1: any constant unique to us
    static final String INDEX = "schema/postgres/index.txt";

    private final Pool pool;
    private final SchemaConfig config;

    public SchemaMigrator(Pool pool, SchemaConfig config) {
        this.pool = pool;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.apply()) {
            List<String> applied = migrate().await().indefinitely();
            LOG.infof("schema: %d migration(s) applied now, %s", applied.size(), applied.isEmpty() ? "already up to date" : applied);
        }
    }

    /** Applies every pending migration; returns the versions applied by this call. */
    public Uni<List<String>> migrate() {
        List<Migration> migrations = Migration.load(INDEX);
        // A migration may build an index on a large table: no statement timeout (FEED_PG_STATEMENT_TIMEOUT) here.
        return pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = 0").execute()
                .chain(() -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute())
                .chain(() -> conn.query("""
                        CREATE TABLE IF NOT EXISTS schema_migrations (
                            version    varchar(100) PRIMARY KEY,
                            checksum   varchar(64)  NOT NULL,
                            applied_at timestamptz  NOT NULL DEFAULT now())""").execute())
                .chain(() -> conn.query("SELECT version, checksum FROM schema_migrations").execute())
                .map(rows -> {
                    Map<String, String> done = new java.util.HashMap<>();
                    for (Row row : rows) {
                        done.put(row.getString("version"), row.getString("checksum"));
                    }
                    return done;
                })
                .chain(done -> applyPending(conn, migrations, done)));
    }

    private Uni<List<String>> applyPending(SqlConnection conn, List<Migration> migrations, Map<String, String> done) {
        List<Migration> pending = new ArrayList<>();
        for (Migration m : migrations) {
            String checksum = done.get(m.version());
            if (checksum == null) {
                pending.add(m);
            } else if (!checksum.equals(m.checksum())) {
                return Uni.createFrom().failure(new IllegalStateException("schema migration " + m.version()
                        + " was changed after it was applied; add a new migration file instead"));
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Migration m : pending) {
            chain = chain
                    .chain(() -> conn.query(m.sql()).execute())
                    .chain(() -> conn.preparedQuery("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)")
                            .execute(Tuple.of(m.version(), m.checksum())))
                    .replaceWithVoid();
        }
        return chain.map(v -> pending.stream().map(Migration::version).collect(Collectors.toList()));
    }

    /** One migration file from the classpath. */
    record Migration(String version, String sql, String checksum) {
        static List<Migration> load(String index) {
            String dir = index.substring(0, index.lastIndexOf('/') + 1);
            return read(index).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(file -> {
                        String sql = read(dir + file);
                        return new Migration(file, sql, sha256(sql));
                    })
                    .collect(Collectors.toList());
        }

        private static String read(String resource) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema resource " + resource);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String sha256(String s) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
