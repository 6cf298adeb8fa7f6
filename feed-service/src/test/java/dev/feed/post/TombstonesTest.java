package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Against the real Redis; clocks stay at or before now so no other test's tombstones are trimmed. */
@QuarkusTest
class TombstonesTest {
    @Inject
    Redis redis;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    private Tombstones tombstones(int shards) {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return new Tombstones(redis, () -> shards, clock);
    }

    private static long postId() {
        return ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE);
    }

    @Test
    void deleted_findsExactlyTheMarkedIds_acrossShards() {
        Tombstones tombs = tombstones(4);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(postId());
        }
        List<Long> marked = ids.subList(0, 15);
        marked.forEach(id -> tombs.mark(id).await().indefinitely());

        assertThat(tombs.deleted(ids).await().indefinitely()).containsExactlyInAnyOrderElementsOf(marked);
        assertThat(marked.stream().map(tombs::shardOf).distinct().count()).isGreaterThan(1);
    }

    @Test
    void deleted_olderThanTtl_isNoLongerATombstone() {
        Tombstones tombs = tombstones(1);
        long id = postId();
        now.set(Instant.now().minus(Tombstones.TTL).minus(Duration.ofMinutes(1)));
        tombs.mark(id).await().indefinitely();

        now.set(Instant.now());

        assertThat(tombs.deleted(List.of(id)).await().indefinitely()).isEmpty();
    }

    @Test
    void mark_dropsMembersOlderThanTtl() {
        Tombstones tombs = tombstones(1);
        long old = postId();
        long fresh = postId();
        now.set(Instant.now().minus(Tombstones.TTL).minus(Duration.ofMinutes(1)));
        tombs.mark(old).await().indefinitely();

        now.set(Instant.now());
        tombs.mark(fresh).await().indefinitely();

        Response scoreOfOld = redis.send(Request.cmd(Command.ZSCORE).arg(Tombstones.key(0)).arg(old)).await().indefinitely();
        assertThat(scoreOfOld).isNull();
        assertThat(tombs.deleted(List.of(old, fresh)).await().indefinitely()).containsExactly(fresh);
    }

    @Test
    void mark_raisesItsShardsSequence_soAStampTakenBeforeNoLongerMatches() {
        Tombstones tombs = tombstones(1);
        tombs.mark(postId()).await().indefinitely(); // the shard has a generation and a sequence
        Tombstones.Stamp before = stampOfShard0(tombs);

        tombs.mark(postId()).await().indefinitely();
        Tombstones.Stamp after = stampOfShard0(tombs);

        assertThat(after.generation()).isEqualTo(before.generation());
        assertThat(after.sequence()).isGreaterThan(before.sequence());
    }

    @Test
    void check_readsTheStampTogetherWithTheIds() {
        Tombstones tombs = tombstones(1);
        long id = postId();
        tombs.mark(postId()).await().indefinitely();

        Tombstones.Check check = tombs.check(List.of(id)).await().indefinitely();

        assertThat(check.deleted()).isEmpty();
        assertThat(check.stampOf(id)).isEqualTo(stampOfShard0(tombs));
    }

    private Tombstones.Stamp stampOfShard0(Tombstones tombs) {
        List<Request> requests = tombs.stampRequests();
        List<Response> answers = redis.batch(requests).await().indefinitely();
        Tombstones.Stamp stamp = tombs.stamps(answers).byShard().get(0);
        assertThat(stamp).isNotNull();
        return stamp;
    }
}
