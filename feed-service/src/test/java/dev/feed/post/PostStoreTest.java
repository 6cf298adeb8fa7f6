package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PostStoreTest {
    @Inject
    PostStore posts;

    private final SnowflakeIds ids = new SnowflakeIds(1023, System::currentTimeMillis);

    @Test
    void insert_thenFind_roundTripsThroughCassandra() {
        Post post = newPost("hello, Cassandra ✓");
        posts.insertWithPendingFanout(post, 3).await().indefinitely();

        Post found = posts.find(post.id()).await().indefinitely().orElseThrow();
        assertThat(found).isEqualTo(post);
        assertThat(found.deleted()).isFalse();
    }

    @Test
    void find_unknownId_isEmpty() {
        assertThat(posts.find(ids.next()).await().indefinitely()).isEmpty();
    }

    @Test
    void findAll_returnsTheStoredOnes_andSkipsUnknown() {
        Post a = newPost("a");
        Post b = newPost("b");
        posts.insertWithPendingFanout(a, 0).await().indefinitely();
        posts.insertWithPendingFanout(b, 1).await().indefinitely();
        long unknown = ids.next();

        Map<Long, Post> found = posts.findAll(List.of(a.id(), b.id(), unknown)).await().indefinitely();
        assertThat(found).containsOnlyKeys(a.id(), b.id());
        assertThat(found.get(b.id()).text()).isEqualTo("b");
    }

    @Test
    void bucketOf_isYearMonthUtc() {
        assertThat(PostStore.bucketOf(Instant.parse("2026-11-30T23:59:59.999Z"))).isEqualTo(202611);
        assertThat(PostStore.bucketOf(Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo(202701);
    }

    private Post newPost(String text) {
        long id = ids.next();
        return new Post(id, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), text, SnowflakeIds.instantOf(id), null);
    }
}
