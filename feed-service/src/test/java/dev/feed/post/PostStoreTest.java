package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.DefaultWriteType;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import dev.feed.schema.CassandraConfig;
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
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig config;

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

    /**
     * The path a publish and a delete take while a Cassandra node is down (no batchlog: in a
     * three-node ring it waits on the dead node until the failure detector convicts it; the chaos
     * run's Cassandra fault reproduces that). Here the store is told a node is down, against the
     * real single-node Cassandra: every row the logged batch writes is written.
     */
    @Test
    void insertAndTombstone_whileACassandraNodeIsDown_writeEveryRowWithoutTheBatchlog() {
        PostStore nodeDown = new PostStore(session, config, System::currentTimeMillis, () -> true);
        Post post = newPost("written while a node is down");
        int shard = 7;

        PendingFanout published = nodeDown.insertWithPendingFanout(post, shard).await().indefinitely();
        assertThat(nodeDown.find(post.id()).await().indefinitely()).contains(post);
        assertThat(nodeDown.byAuthor(post.authorId(), null, 10).await().indefinitely()).extracting(Post::id).containsExactly(post.id());
        assertThat(nodeDown.pendingIn(published.bucket(), shard, 10_000).await().indefinitely().records())
                .anySatisfy(p -> {
                    assertThat(p.postId()).isEqualTo(post.id());
                    assertThat(p.kind()).isEqualTo("publish");
                });

        PostStore.Stored stored = nodeDown.findStored(post.id()).await().indefinitely().orElseThrow();
        PendingFanout deleted = nodeDown.tombstone(stored, Instant.now(), shard).await().indefinitely();
        assertThat(nodeDown.find(post.id()).await().indefinitely().orElseThrow().deleted()).isTrue();
        assertThat(nodeDown.byAuthor(post.authorId(), null, 10).await().indefinitely()).isEmpty();
        assertThat(nodeDown.pendingIn(deleted.bucket(), shard, 10_000).await().indefinitely().records())
                .anySatisfy(p -> {
                    assertThat(p.postId()).isEqualTo(post.id());
                    assertThat(p.kind()).isEqualTo("delete");
                });
        nodeDown.donePending(published).await().indefinitely();
        nodeDown.donePending(deleted).await().indefinitely();
    }

    @Test
    void batchlogUnreachable_isABatchlogWriteTimeoutOrADeadCoordinator_notAnyTimeout() {
        assertThat(PostStore.batchlogUnreachable(
                new WriteTimeoutException(null, DefaultConsistencyLevel.TWO, 1, 2, DefaultWriteType.BATCH_LOG))).isTrue();
        assertThat(PostStore.batchlogUnreachable(new ClosedConnectionException("channel closed"))).isTrue();
        assertThat(PostStore.batchlogUnreachable(
                new WriteTimeoutException(null, DefaultConsistencyLevel.LOCAL_QUORUM, 1, 2, DefaultWriteType.BATCH))).isFalse();
        assertThat(PostStore.batchlogUnreachable(new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void aLocalNodeIsDown_isFalse_whileTheDriverSeesEveryNodeUp() {
        assertThat(PostStore.aLocalNodeIsDown(session)).isFalse();
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
