package dev.feed.relation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SchemaMigratorTest {
    @Inject
    SchemaMigrator migrator;
    @Inject
    Pool pool;

    @Test
    void migrate_appliedAtStartup_secondApplyChangesNothing() {
        String before = schemaFingerprint();
        long recordedBefore = count("SELECT count(*) FROM schema_migrations");

        List<String> appliedNow = migrator.migrate().await().indefinitely();

        assertThat(appliedNow).as("everything was applied at startup").isEmpty();
        assertThat(count("SELECT count(*) FROM schema_migrations")).isEqualTo(recordedBefore);
        assertThat(schemaFingerprint()).isEqualTo(before);
    }

    @Test
    void migrate_createsTheRelationTables() {
        assertThat(count("""
                SELECT count(*) FROM information_schema.tables
                WHERE table_schema = 'public' AND table_name IN ('users', 'follows', 'relation_events')""")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'follows_followee_follower'")).isEqualTo(1);
    }

    @Test
    void index_listsEverySqlFileInSchemaFolder() throws IOException {
        Path dir = Path.of("..", "schema", "postgres");
        List<String> listed = Files.readAllLines(dir.resolve("index.txt")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList())
                    .isEqualTo(listed);
        }
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    /** Columns, types and indexes of the public schema: equal fingerprints mean an unchanged schema. */
    private String schemaFingerprint() {
        List<String> lines = new ArrayList<>();
        for (Row r : pool.query("""
                SELECT table_name, column_name, data_type, is_nullable, column_default
                FROM information_schema.columns WHERE table_schema = 'public'
                ORDER BY table_name, column_name""").execute().await().indefinitely()) {
            lines.add(r.deepToString());
        }
        for (Row r : pool.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")
                .execute().await().indefinitely()) {
            lines.add(r.deepToString());
        }
        return String.join("\n", lines);
    }
}
