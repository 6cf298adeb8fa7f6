package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis is a cache (no persistence by design): losing all of it, or any one key of it, between
 * publishes must leave every timeline complete and in order, and every delete deleted. The loss
 * is caused for real ({@code FLUSHDB} on the test database, {@code DEL} of one key).
 */
@QuarkusTest
class RedisLossTest {
    @Inject
    Redis redis;
    @Inject
    HotCache hotCache;
    @Inject
    Fixture fx;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void timeline_afterRedisFlushAndOneNewPost_isCompleteForActiveReturningNewAndPullFollowers() {
        long author = newUser();
        long active = newUser();
        long returning = newUser();
        long pullReader = newUser();
        relation.followPush(active, author).followPush(returning, author).followPull(pullReader, author);
        page(active, 5, null); // a live inbox
        page(pullReader, 5, null); // the author resident in the hot-cache from now on
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(fx.publish(author, active));
        }
        Fixture.eventually(5_000, () -> hotCache.peek(author).map(e -> e.refs().size() == 4).orElse(false), "hot entry loaded");

        flushRedis();
        expected.add(fx.publish(author, active)); // the outbox now holds this post only
        long newFollower = newUser();
        relation.followPush(newFollower, author);

        for (long reader : List.of(active, returning, newFollower, pullReader)) {
            assertThat(all(reader, 2)).as("timeline of reader %d", reader).containsExactlyElementsOf(newestFirst(expected));
        }
        assertThat(authorListing(author)).containsExactlyElementsOf(newestFirst(expected));
    }

    @Test
    void timeline_afterOneRedisKeyLostBetweenPublishes_isCompleteForEveryKindOfFollower() {
        long author = newUser();
        long active = newUser();
        long pullReader = newUser();
        relation.followPush(active, author).followPull(pullReader, author);
        page(active, 5, null);
        page(pullReader, 5, null);
        List<PostRef> expected = new ArrayList<>();
        expected.add(fx.publish(author, active));
        expected.add(fx.publish(author, active));
        List<String> keys = List.of(OutboxStore.key(author), HomeInboxStore.key(active), HomeInboxStore.floorKey(active));
        for (String key : keys) {
            expected.add(fx.publish(author, active));
            del(key);
            expected.add(fx.publish(author, active));
            long returning = newUser();
            relation.followPush(returning, author);
            for (long reader : List.of(active, pullReader, returning)) {
                assertThat(all(reader, 3)).as("reader %d after losing %s", reader, key).containsExactlyElementsOf(newestFirst(expected));
            }
        }
    }

    @Test
    void outboxWarmedFromCassandra_thatExpired_isNotTakenForTheWholeHistoryByTheNextPublish() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(fx.durable(author)); // only in Cassandra
        }
        fx.clock.incrementAndGet();
        assertThat(all(reader, 10)).containsExactlyElementsOf(newestFirst(expected)); // warms the outbox (P1D TTL)
        del(OutboxStore.key(author)); // as when the warmed outbox's TTL runs out
        del(HomeInboxStore.key(reader));
        expected.add(fx.publish(author));

        assertThat(all(reader, 10)).containsExactlyElementsOf(newestFirst(expected));
    }

    @Test
    void fullInbox_thatLostOneEntryToADelete_stillContinuesIntoOlderPosts() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        List<PostRef> expected = new ArrayList<>();
        int cap = 800;
        for (int i = 0; i < cap + 5; i++) {
            expected.add(fx.durable(author));
        }
        page(reader, 1, null); // rebuilt full: the sentinel is trimmed away
        PostRef newest = expected.remove(expected.size() - 1);
        fx.tombstone(newest.postId());
        redis.send(Request.cmd(Command.ZREM).arg(HomeInboxStore.key(reader)).arg(newest.postId())).await().indefinitely();
        redis.send(Request.cmd(Command.ZREM).arg(OutboxStore.key(author)).arg(newest.postId())).await().indefinitely();

        assertThat(all(reader, 100)).containsExactlyElementsOf(newestFirst(expected));
    }

    @Test
    void deletedPost_staysDeleted_afterTheTombstoneKeyOrAllOfRedisIsLost_thoughThisInstanceCachedIt() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        page(reader, 5, null);
        PostRef kept = fx.publish(author, reader);
        PostRef deleted = fx.publish(author, reader);
        assertThat(all(reader, 5)).containsExactly(deleted.postId(), kept.postId()); // both now cached locally
        // Deleted as another instance would: durable tombstone and Redis tombstone, this instance's copy
        // stays cached, and inbox, outbox and by-author listing still hold the id for a while.
        fx.tombstone(deleted.postId());

        del("tombs:{0}"); // before any read here saw the tombstone (which would also evict the copy)
        assertThat(all(reader, 5)).as("after losing the tombstone key").containsExactly(kept.postId());
        flushRedis();
        assertThat(all(reader, 5)).as("after losing all of Redis").containsExactly(kept.postId());
        Fixture.as(reader).get("/v1/posts/" + deleted.postId()).then().statusCode(404);
    }

    private List<Long> authorListing(long author) {
        List<Long> out = new ArrayList<>();
        String cursor = null;
        do {
            var request = Fixture.as(newUser()).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/users/" + author + "/posts").then().statusCode(200).extract().jsonPath();
            out.addAll(Fixture.ids(page));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return out;
    }

    private void flushRedis() {
        redis.send(Request.cmd(Command.FLUSHDB)).await().indefinitely();
    }

    private void del(String key) {
        redis.send(Request.cmd(Command.DEL).arg(key)).await().indefinitely();
    }
}
