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
    void repost_carriesRepostOf_matchesItsSchema_andReadsBack() throws IOException {
        PostEvent event = PostEvent.of(PostEvent.PUBLISHED, 9L, 42L, 1_700_000_000_000L, 7L);

        assertThat(event.repostOf()).isEqualTo("7");
        assertThat(violations("post.published.v1.json", event)).isEmpty();
        assertThat(violations("post.deleted.v1.json", PostEvent.of(PostEvent.DELETED, 9L, 42L, 1L, 7L))).isEmpty();
        assertThat(json.readValue(json.writeValueAsString(event), PostEvent.class)).isEqualTo(event);
    }

    @Test
    void ordinaryPost_leavesRepostOfOut_ratherThanWritingNull() throws IOException {
        // The schema types repostOf as a string: a null would violate it, so it must be absent.
        String written = json.writeValueAsString(PostEvent.of(PostEvent.PUBLISHED, 9L, 42L, 1L));

        assertThat(json.readTree(written).has("repostOf")).isFalse();
    }

    @Test
    void postEvent_withAFieldALaterVersionAdds_stillReads() throws IOException {
        String newer = "{\"eventId\":\"e\",\"type\":\"post.published\",\"version\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\","
                + "\"postId\":\"1\",\"authorId\":\"2\",\"createdAtMillis\":3,\"language\":\"en\"}";

        assertThat(json.readValue(newer, PostEvent.class).requireValid().authorIdLong()).isEqualTo(2L);
    }

    @Test
    void hotCacheChanged_everyReason_matchesItsSchema_andReadsBack() throws IOException {
        for (String reason : new String[] {"publish", "delete", "repair", "tier"}) {
            HotCacheChanged event = HotCacheChanged.of(42L, reason);

            assertThat(violations("hotcache.changed.v1.json", event)).as(reason).isEmpty();
            assertThat(json.readValue(json.writeValueAsString(event), HotCacheChanged.class)).isEqualTo(event);
        }
        assertThat(HotCacheChanged.of(42L, "tier").key()).isEqualTo("42");
    }

    @Test
    void hotCacheChanged_withAnUnknownReason_isRejectedBySchema() throws IOException {
        assertThat(violations("hotcache.changed.v1.json", HotCacheChanged.of(42L, "whim"))).isNotEmpty();
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
        PostEvent event = new PostEvent("e", PostEvent.PUBLISHED, 1, "2026-01-01T00:00:00Z", "1", null, 0, null);

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
        try (var files = Files.list(EVENTS)) {
            assertThat(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith("relation.") || f.startsWith("author.")))
                    .as("every relation schema has its record")
                    .containsExactlyInAnyOrderElementsOf(RelationEvent.TYPES.keySet().stream().map(t -> t + ".v1.json").toList());
        }
    }

    @Test
    void relationKeys_keepOnePairOrOneAuthorOnOnePartition() {
        assertThat(RelationEvent.Followed.of(1, 2, "push").key()).isEqualTo("1:2");
        assertThat(RelationEvent.Blocked.of(4, 5).key()).isEqualTo("4:5");
        assertThat(RelationEvent.TierChanged.of(3, "push", 1).key()).isEqualTo("3");
    }

    @Test
    void relationEvent_withAnIdThatIsNotDecimal_failsWhenRead() throws IOException {
        String bad = "{\"eventId\":\"e\",\"type\":\"relation.unfollowed\",\"version\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\","
                + "\"followerId\":\"abc\",\"followeeId\":\"2\"}";
        RelationEvent.Unfollowed event = json.readValue(bad, RelationEvent.Unfollowed.class);

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(event::follower)
                .withMessageContaining("followerId");
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
