package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.as;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PostStore;
import dev.feed.post.SnowflakeIds;
import dev.feed.post.Tombstones;
import dev.feed.publish.PublishConfig;
import dev.feed.stream.StreamHub;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting a heavily reposted original (DESIGN "Safety and reposts": it and every repost leave every
 * timeline at once), against the real Cassandra, Redis and Kafka: more reposts than two batches of
 * {@code feed.publish.repost-delete-batch}, each by its own reposter, pushed into followers' inboxes
 * as fanout-worker would. The delete's duration is printed (a figure, not asserted).
 */
@QuarkusTest
class RepostDeleteTest {
    private static final long WITHIN_MILLIS = 30_000;

    @Inject
    Fixture fx;
    @Inject
    PostStore posts;
    @Inject
    Tombstones tombstones;
    @Inject
    Redis redis;
    @Inject
    StreamHub hub;
    @Inject
    PublishConfig config;

    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void deleteOfAnOriginalWithManyReposts_removesEveryRepostFromEveryTimeline_outboxAndStore() {
        int count = 2 * config.repostDeleteBatch() + 50;
        long author = newUser();
        long readerA = newUser();
        long readerB = newUser();
        List<Long> reposters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long reposter = newUser();
            relation.followPush(i % 2 == 0 ? readerA : readerB, reposter);
            reposters.add(reposter);
        }
        relation.followPush(readerA, author);
        page(readerA, 1, null);
        page(readerB, 1, null);
        PostRef own = fx.publish(readerA);
        long original = publishOverHttp(author);
        fx.pushToLiveInboxes(refOf(original), readerA);
        List<Long> reposts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long reposter = reposters.get(i);
            long repost = as(reposter).post("/v1/posts/" + original + "/reposts").then().statusCode(201).extract().jsonPath().getLong("id");
            fx.pushToLiveInboxes(refOf(repost), i % 2 == 0 ? readerA : readerB); // what fanout-worker does
            reposts.add(repost);
        }
        assertThat(all(readerB, 100)).as("readerB sees reposts before the delete").isNotEmpty();

        long started = System.nanoTime();
        as(author).delete("/v1/posts/" + original).then().statusCode(204);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RepostDeleteTest: delete of an original with %d reposts took %d ms (batches of %d)%n", count, millis,
                config.repostDeleteBatch());

        // every timeline: none of them, the original neither, the rest stays
        assertThat(all(readerA, 100)).containsExactly(own.postId());
        assertThat(all(readerB, 100)).isEmpty();
        // durable: every repost tombstoned in Cassandra
        Map<Long, PostStore.Stored> stored = posts.findStoredAll(reposts).await().indefinitely();
        assertThat(stored).hasSize(count);
        assertThat(stored.values()).allMatch(s -> s.post().deleted());
        // Redis: every tombstone marked, every reposter's outbox and own inbox without its repost
        assertThat(tombstones.deleted(reposts).await().indefinitely()).containsExactlyInAnyOrderElementsOf(reposts);
        List<Request> scores = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            scores.add(Request.cmd(Command.ZSCORE).arg(OutboxStore.key(reposters.get(i))).arg(reposts.get(i)));
            scores.add(Request.cmd(Command.ZSCORE).arg(HomeInboxStore.key(reposters.get(i))).arg(reposts.get(i)));
        }
        List<Response> answers = redis.batch(scores).await().indefinitely();
        assertThat(answers).allMatch(r -> r == null);
        // Kafka: a delete event for each (fanout-worker unpushes followers' inboxes with them)
        Fixture.eventually(WITHIN_MILLIS, () -> reposts.stream().allMatch(id -> hub.recentlySeen(id, true)),
                "a delete event of every repost on feed.posts");
    }

    private static long publishOverHttp(long author) {
        return as(author).contentType("application/json").body("{\"text\": \"original\"}").post("/v1/posts")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static PostRef refOf(long postId) {
        return new PostRef(postId, SnowflakeIds.instantOf(postId).toEpochMilli());
    }
}
