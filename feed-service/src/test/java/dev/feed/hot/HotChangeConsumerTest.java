package dev.feed.hot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HotChangeConsumerTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void parse_postEventsAndHotcacheChanges_becomeChangesOfTheAuthor() throws Exception {
        assertThat(HotChangeConsumer.parse(json.readTree("""
                {"eventId":"e","type":"post.published","version":1,"occurredAt":"2026-01-01T00:00:00Z",
                 "postId":"12","authorId":"34","createdAtMillis":5}""")))
                .isEqualTo(new HotChange(34, HotChange.Reason.PUBLISH));
        assertThat(HotChangeConsumer.parse(json.readTree("""
                {"type":"post.deleted","authorId":"35","postId":"1"}""")))
                .isEqualTo(new HotChange(35, HotChange.Reason.DELETE));
        assertThat(HotChangeConsumer.parse(json.readTree("""
                {"type":"hotcache.changed","authorId":"36","reason":"repair"}""")))
                .isEqualTo(new HotChange(36, HotChange.Reason.REPAIR));
    }

    @Test
    void parse_otherEventTypes_areIgnored() throws Exception {
        assertThat(HotChangeConsumer.parse(json.readTree("{\"type\":\"something.else\",\"authorId\":\"1\"}"))).isNull();
    }
}
