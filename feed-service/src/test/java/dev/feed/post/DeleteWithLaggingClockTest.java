package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.schema.CassandraConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Two instances against the real Cassandra: one publishes, the other deletes with a clock a
 * minute behind. Cassandra keeps the cell with the highest write timestamp, so the delete must
 * still win: the post leaves the author's listing and the delete's pending record survives the
 * publish record's removal.
 */
@QuarkusTest
class DeleteWithLaggingClockTest {
    private static final long LAG_MILLIS = 60_000;

    @Inject
    CqlSession session;
    @Inject
    CassandraConfig config;

    @Test
    void delete_onInstanceWithLaggingClock_stillRemovesThePost_andKeepsItsPendingRecord() {
        PostStore publishing = new PostStore(session, config, System::currentTimeMillis);
        PostStore lagging = new PostStore(session, config, () -> System.currentTimeMillis() - LAG_MILLIS);
        long author = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        long id = new SnowflakeIds(1022, System::currentTimeMillis).next();
        Post post = new Post(id, author, "published by the fast clock", SnowflakeIds.instantOf(id), null);
        int shard = 5;

        PendingFanout published = publishing.insertWithPendingFanout(post, shard).await().indefinitely();
        PostStore.Stored stored = lagging.findStored(id).await().indefinitely().orElseThrow();
        PendingFanout deleted = lagging.tombstone(stored, Instant.now(), shard).await().indefinitely();
        // The publish's dispatch finishes after the delete was written (relay or slow request).
        publishing.donePending(published).await().indefinitely();

        assertThat(deleted.writeTimeMicros()).as("stamped after the publish, not by the lagging clock")
                .isGreaterThan(published.writeTimeMicros());
        List<Long> listed = lagging.byAuthor(author, null, 10).await().indefinitely().stream().map(Post::id).toList();
        assertThat(listed).as("gone from posts_by_author").doesNotContain(id);
        assertThat(lagging.find(id).await().indefinitely().orElseThrow().deleted()).isTrue();
        assertThat(lagging.pendingIn(deleted.bucket(), shard, 10_000).await().indefinitely().records())
                .as("the delete's pending record outlives the publish record's removal")
                .anySatisfy(p -> {
                    assertThat(p.postId()).isEqualTo(id);
                    assertThat(p.kind()).isEqualTo("delete");
                });
        lagging.donePending(deleted).await().indefinitely();
    }
}
