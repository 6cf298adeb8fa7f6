package dev.feed.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CassandraSchemaMigratorTest {
    @Inject
    CassandraSchemaMigrator migrator;
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig config;

    @Test
    void migrate_appliedAtStartup_secondApplyChangesNothing() {
        String before = schemaFingerprint();
        assertThat(migrator.migrate()).isEmpty();
        assertThat(schemaFingerprint()).isEqualTo(before);
    }

    @Test
    void migrate_createsThePostTables() {
        List<String> tables = session.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", config.keyspace())
                .all().stream().map(r -> r.getString(0)).toList();
        assertThat(tables).contains("posts", "posts_by_author", "author_buckets", "pending_fanout", "idempotency_keys", "schema_migrations");
    }

    @Test
    void statements_dropCommentsFillPlaceholdersAndSplit() {
        List<String> s = CassandraSchemaMigrator.statements("""
                -- a comment; with a semicolon
                CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication};
                CREATE TABLE IF NOT EXISTS ${keyspace}.t (id int PRIMARY KEY);
                """, "ks", "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        assertThat(s).containsExactly(
                "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                "CREATE TABLE IF NOT EXISTS ks.t (id int PRIMARY KEY)");
    }

    @Test
    void index_listsEveryCqlFileInSchemaFolder() throws IOException {
        Path dir = Path.of("..", "schema", "cassandra");
        List<String> listed = Files.readAllLines(dir.resolve("index.txt")).stream().map(String::strip).filter(x -> !x.isEmpty()).toList();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cql")).sorted().toList()).isEqualTo(listed);
        }
    }

    private String schemaFingerprint() {
        return String.join("\n", session.execute(
                        "SELECT table_name, column_name, kind, type FROM system_schema.columns WHERE keyspace_name = ?", config.keyspace())
                .all().stream().map(r -> r.getFormattedContents()).sorted().toList());
    }
}
