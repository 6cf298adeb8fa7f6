package dev.feed.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every event record, serialized as the services serialize it (Jackson), against its JSON Schema in
 * events/ (draft 2020-12, additionalProperties false, formats asserted): a field added, renamed or
 * retyped on one side only fails here. Reading back checks the other direction.
 */
class EventContractTest {
    private static final Path EVENTS = Path.of("events");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void postPublished_matchesItsSchema_andReadsBack() throws IOException {
        PostEvent event = PostEvent.of(PostEvent.PUBLISHED, 1_234_567_890_123L, 42L, 1_700_000_000_000L);

        assertThat(violations("post.published.v1.json", event)).isEmpty();
        assertThat(json.readValue(json.writeValueAsString(event), PostEvent.class).requireValid()).isEqualTo(event);
    }

    @Test
    void postDeleted_matchesItsSchema() throws IOException {
        assertThat(violations("post.deleted.v1.json", PostEvent.of(PostEvent.DELETED, 1L, 2L, 3L))).isEmpty();
    }

    @Test
    void postEvent_ofTheWrongType_isRejectedBySchema() throws IOException {
        // Guards the test itself: the validator really applies the schema (const on type).
        assertThat(violations("post.published.v1.json", PostEvent.of(PostEvent.DELETED, 1L, 2L, 3L))).isNotEmpty();
    }

    @Test
    void postEvent_withoutAnAuthor_isNotValid() {
        PostEvent event = new PostEvent("e", PostEvent.PUBLISHED, 1, "2026-01-01T00:00:00Z", "1", null, 0);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(event::requireValid)
                .withMessageContaining("authorId");
    }

    @Test
    void everyRelationEvent_matchesItsSchema_andReadsBackAsTheRecordItsTypeNames() throws IOException {
        RelationEvent[] events = {
            RelationEvent.Followed.of(1, 2, "push"),
            RelationEvent.Unfollowed.of(1, 2),
            RelationEvent.TierChanged.of(3, "pull", 250_000),
            RelationEvent.Blocked.of(4, 5),
            RelationEvent.Unblocked.of(4, 5),
            RelationEvent.Muted.of(6, 7),
            RelationEvent.Unmuted.of(6, 7),
        };
        for (RelationEvent event : events) {
            String file = event.type() + ".v1.json";

            assertThat(violations(file, event)).as(file).isEmpty();
            Class<? extends RelationEvent> type = RelationEvent.classOf(event.type()).orElseThrow();
            assertThat(json.readValue(json.writeValueAsString(event), type)).as(file).isEqualTo(event);
        }
        assertThat(RelationEvent.TYPES).as("one record per relation schema").hasSize(events.length);
    }

    @Test
    void relationKeys_keepOnePairOrOneAuthorOnOnePartition() {
        assertThat(RelationEvent.Followed.of(1, 2, "push").key()).isEqualTo("1:2");
        assertThat(RelationEvent.Blocked.of(4, 5).key()).isEqualTo("4:5");
        assertThat(RelationEvent.TierChanged.of(3, "push", 1).key()).isEqualTo("3");
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
