package dev.feed.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.events.PostEvent;
import dev.feed.post.Post;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The {@code feed.posts} event feed-service writes for a post. The record and its JSON Schema are
 * checked against each other in schema's EventContractTest; this checks what feed-service puts in it.
 */
class PostEventOfPostTest {
    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void ordinaryPost_hasNoRepostOf_andCarriesItsIdsAndTime() {
        PostEvent event = PublishService.eventOf(PostEvent.PUBLISHED, new Post(1_234_567_890_123L, 42L, "hello", AT, null));

        assertThat(event.type()).isEqualTo(PostEvent.PUBLISHED);
        assertThat(event.postId()).isEqualTo("1234567890123");
        assertThat(event.authorId()).isEqualTo("42");
        assertThat(event.createdAtMillis()).isEqualTo(AT.toEpochMilli());
        assertThat(event.repostOf()).isNull();
    }

    @Test
    void repost_namesItsOriginal() {
        PostEvent event = PublishService.eventOf(PostEvent.DELETED, new Post(7L, 42L, "", AT, null, 5L));

        assertThat(event.type()).isEqualTo(PostEvent.DELETED);
        assertThat(event.repostOf()).isEqualTo("5");
    }
}
