package dev.feed.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OutboxStoreTest {
    @Inject
    OutboxStore outbox;
    @Inject
    OutboxConfig config;
    @Inject
    Redis redis;

    @Test
    void push_trimsToMaxEntries_keepingTheNewest() {
        long author = opened(newAuthor());
        int max = config.maxEntries();
        for (int i = 1; i <= max + 5; i++) {
            outbox.push(author, new PostRef(1_000_000L + i, 1_700_000_000_000L + i)).await().indefinitely();
        }
        long size = redis.send(Request.cmd(Command.ZCARD).arg(OutboxStore.key(author))).await().indefinitely().toLong();
        assertThat(size).isEqualTo(max);
        List<PostRef> newest = outbox.recent(author, 1).await().indefinitely();
        assertThat(newest).containsExactly(new PostRef(1_000_000L + max + 5, 1_700_000_000_000L + max + 5));
    }

    @Test
    void recent_equalMilliseconds_orderedByIdDescending_withExact64BitIds() {
        long author = opened(newAuthor());
        long ms = 1_763_700_000_123L;
        // Ids above 2^53: as scores they would collapse; as members they stay exact.
        long a = 9_007_199_254_740_993L;
        long b = a + 1;
        long c = a + 2;
        outbox.push(author, new PostRef(b, ms)).await().indefinitely();
        outbox.push(author, new PostRef(a, ms)).await().indefinitely();
        outbox.push(author, new PostRef(c, ms - 1)).await().indefinitely();

        assertThat(outbox.recent(author, 10).await().indefinitely())
                .containsExactly(new PostRef(b, ms), new PostRef(a, ms), new PostRef(c, ms - 1));
    }

    @Test
    void push_samePostTwice_isStoredOnce() {
        long author = opened(newAuthor());
        PostRef ref = new PostRef(42L, 1_700_000_000_000L);
        outbox.push(author, ref).await().indefinitely();
        outbox.push(author, ref).await().indefinitely();
        assertThat(outbox.recent(author, 10).await().indefinitely()).containsExactly(ref);
    }

    @Test
    void push_ontoAnOutboxRedisDoesNotHave_writesNothing_soNoPartialOutboxIsCreated() {
        long author = newAuthor();
        assertThat(outbox.push(author, new PostRef(7L, 1_700_000_000_000L)).await().indefinitely()).isFalse();
        long exists = redis.send(Request.cmd(Command.EXISTS).arg(OutboxStore.key(author))).await().indefinitely().toLong();
        assertThat(exists).isZero();
    }

    /** An outbox warmed as complete and empty (an author with no posts yet). */
    private long opened(long author) {
        outbox.warm(java.util.Map.of(author, List.of()), java.util.Set.of(author)).await().indefinitely();
        return author;
    }

    private static long newAuthor() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
