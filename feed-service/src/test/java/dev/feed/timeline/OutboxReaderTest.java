package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Tombstones;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cold outboxes (no Redis key) against the real Redis and Cassandra. */
@QuarkusTest
class OutboxReaderTest {
    @Inject
    OutboxReader reader;
    @Inject
    OutboxStore outbox;
    @Inject
    Redis redis;
    @Inject
    Tombstones tombstones;
    @Inject
    Fixture fx;

    private List<PostRef> durablePosts(long author, int n) {
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fx.clock.incrementAndGet();
            refs.add(fx.durable(author));
        }
        refs.sort(Comparator.naturalOrder());
        return refs;
    }

    private Window read(long author, int count) {
        Map<Long, Window> windows = reader.windows(List.of(author), null, count).await().indefinitely();
        return windows.get(author);
    }

    private List<String> outboxMembers(long author) {
        Response r = redis.send(Request.cmd(Command.ZRANGE).arg(OutboxStore.key(author)).arg(0).arg(-1)).await().indefinitely();
        List<String> members = new ArrayList<>();
        r.forEach(m -> members.add(m.toString()));
        return members;
    }

    @Test
    void coldAuthor_isReadFromCassandra_andWrittenBackWholeWithTheSentinel() {
        long author = newUser();
        List<PostRef> history = durablePosts(author, 3);

        assertThat(read(author, 20).refs()).containsExactlyElementsOf(history);

        List<String> expected = new ArrayList<>(List.of("0"));
        history.forEach(ref -> expected.add(Long.toString(ref.postId())));
        assertThat(outboxMembers(author)).containsExactlyInAnyOrderElementsOf(expected);
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(OutboxStore.key(author))).await().indefinitely().toLong();
        assertThat(ttl).isPositive();
    }

    @Test
    void secondRead_isServedFromTheWrittenBackOutbox_notCassandra() {
        long author = newUser();
        List<PostRef> history = durablePosts(author, 2);
        read(author, 20);

        durablePosts(author, 1); // in Cassandra only, as if its outbox push had been lost

        assertThat(read(author, 20).refs()).containsExactlyElementsOf(history);
    }

    @Test
    void authorWhoNeverPosted_getsAnOutboxHoldingOnlyTheSentinel_andReadsEmpty() {
        long author = newUser();

        assertThat(read(author, 20).refs()).isEmpty();

        assertThat(outboxMembers(author)).containsExactly("0");
        assertThat(read(author, 20).refs()).isEmpty();
        assertThat(outbox.recent(author, 10).await().indefinitely()).isEmpty();
    }

    @Test
    void writeBack_leavesOutAPostDeletedWhileItWasRead() {
        long author = newUser();
        List<PostRef> history = durablePosts(author, 3);
        long deletedMeanwhile = history.get(1).postId();
        // Cassandra still says live (read before the delete reached it); the delete's tombstone is already marked.
        tombstones.mark(deletedMeanwhile).await().indefinitely();

        read(author, 20);

        assertThat(outboxMembers(author)).contains("0", Long.toString(history.get(0).postId()), Long.toString(history.get(2).postId()))
                .doesNotContain(Long.toString(deletedMeanwhile));
    }

    @Test
    void coldAuthorWithMoreHistoryThanThePage_isWrittenBackWhole_readUpToTheOutboxCap() {
        long author = newUser();
        List<PostRef> history = durablePosts(author, 5);

        assertThat(read(author, 3).refs()).containsExactlyElementsOf(history.subList(0, 3));

        List<String> expected = new java.util.ArrayList<>(List.of("0"));
        history.forEach(ref -> expected.add(Long.toString(ref.postId())));
        assertThat(outboxMembers(author)).containsExactlyInAnyOrderElementsOf(expected);
    }
}
