package dev.feed.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Applies {@code schema/cassandra/*.cql} (listed in {@code index.txt}) at startup, each file once,
 * recorded with its checksum in {@code <keyspace>.schema_migrations}.
 *
 * <p>Every statement is {@code IF NOT EXISTS}, so a file interrupted half-way is simply applied
 * again. Cassandra has no transactional DDL: when several replicas start at once, start one
 * first (the Helm chart's migration hook does) or accept that they all run the same idempotent
 * statements.
 */
@ApplicationScoped
public class CassandraSchemaMigrator {
    private static final Logger LOG = Logger.getLogger(CassandraSchemaMigrator.class);
    static final String INDEX = "schema/cassandra/index.txt";
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

    private final CqlSession session;
    private final CassandraConfig config;

    public CassandraSchemaMigrator(CqlSession session, CassandraConfig config) {
        this.session = session;
        this.config = config;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        if (config.applySchema()) {
            List<String> applied = migrate();
            LOG.infof("schema: %d CQL migration(s) applied now to keyspace %s, %s", applied.size(), config.keyspace(),
                    applied.isEmpty() ? "already up to date" : applied);
        }
    }

    /** Applies every pending migration; returns the versions applied by this call. */
    public synchronized List<String> migrate() {
        String ks = config.keyspace();
        execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + config.replication());
        execute("CREATE TABLE IF NOT EXISTS " + ks + ".schema_migrations (version text PRIMARY KEY, checksum text, applied_at timestamp)");
        Map<String, String> done = new HashMap<>();
        for (Row row : session.execute("SELECT version, checksum FROM " + ks + ".schema_migrations")) {
            done.put(row.getString("version"), row.getString("checksum"));
        }
        List<String> applied = new ArrayList<>();
        for (String file : read(INDEX).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String cql = read("schema/cassandra/" + file);
            String checksum = sha256(cql);
            String previous = done.get(file);
            if (previous != null) {
                if (!previous.equals(checksum)) {
                    throw new IllegalStateException("CQL migration " + file
                            + " was changed after it was applied; add a new migration file instead");
                }
                continue;
            }
            for (String statement : statements(cql, ks, config.replication())) {
                execute(statement);
            }
            session.execute(SimpleStatement.newInstance(
                    "INSERT INTO " + ks + ".schema_migrations (version, checksum, applied_at) VALUES (?, ?, ?)",
                    file, checksum, Instant.now()));
            applied.add(file);
        }
        return applied;
    }

    /** Splits a CQL file into statements: comments dropped, placeholders filled, split on ';'. */
    static List<String> statements(String cql, String keyspace, String replication) {
        StringBuilder body = new StringBuilder();
        for (String line : cql.lines().toList()) {
            String l = line.strip();
            if (!l.startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        String filled = body.toString().replace("${keyspace}", keyspace).replace("${replication}", replication);
        return Arrays.stream(filled.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private void execute(String cql) {
        session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
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
