package dev.feed.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.feed.post.Post;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The events feed-service writes, as it writes them, against their JSON Schemas in schema/events: a field
 * added, renamed or retyped in the record without the schema (or the other way round) fails here.
 */
class PostEventContractTest {
    private static final Path EVENTS = Path.of("..", "schema", "events");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void postPublished_asProduced_matchesItsSchema() throws IOException {
        PostEvent event = PostEvent.of(PostEvent.PUBLISHED, post());

        assertThat(violations("post.published.v1.json", event)).isEmpty();
    }

    @Test
    void postDeleted_asProduced_matchesItsSchema() throws IOException {
        PostEvent event = PostEvent.of(PostEvent.DELETED, post());

        assertThat(violations("post.deleted.v1.json", event)).isEmpty();
    }

    @Test
    void postPublished_withDeletedType_isRejectedBySchema() throws IOException {
        // Guards the test itself: the validator really applies the schema (const on type).
        PostEvent event = PostEvent.of(PostEvent.DELETED, post());

        assertThat(violations("post.published.v1.json", event)).isNotEmpty();
    }

    private static Post post() {
        return new Post(1_234_567_890_123L, 42L, "hello", Instant.ofEpochMilli(1_700_000_000_000L), null);
    }

    private Set<ValidationMessage> violations(String schemaFile, Object event) throws IOException {
        JsonNode value = json.readTree(json.writeValueAsString(event));
        try (InputStream in = Files.newInputStream(EVENTS.resolve(schemaFile))) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
            return schema.validate(value);
        }
    }
}
