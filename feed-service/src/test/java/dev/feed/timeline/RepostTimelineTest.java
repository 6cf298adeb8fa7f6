package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.as;
import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.SnowflakeIds;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reposts (issue 17) against the real Cassandra, Redis and Kafka: the repost is made over HTTP
 * (stored, pushed to the reposter's outbox and own inbox, dispatched on feed.posts); what
 * fanout-worker would push to followers' live inboxes is done by {@link Fixture#pushToLiveInboxes},
 * as in the other timeline tests. relation-service is the fake.
 */
@QuarkusTest
class RepostTimelineTest {
    @Inject
    Fixture fx;
    @Inject
    HotCache hotCache;
    @Inject
    Redis redis;
    @Inject
    HiddenAuthorsCache hiddenAuthors;

    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void repost_answers201WithTheOriginal_andRepeatingIt200WithTheSameRepost() {
        long author = newUser();
        long reposter = newUser();
        PostRef original = fx.publish(author);

        io.restassured.response.Response created = as(reposter).post("/v1/posts/" + original.postId() + "/reposts")
                .then().statusCode(201).extract().response();
        JsonPath first = created.jsonPath();
        assertThat(created.header("Location")).endsWith("/v1/posts/" + first.getString("id"));
        assertThat(first.getString("text")).isEmpty();
        assertThat(first.getString("author.id")).isEqualTo(Long.toString(reposter));
        assertThat(first.getString("repostOf.id")).isEqualTo(Long.toString(original.postId()));
        assertThat(first.getString("repostOf.author.id")).isEqualTo(Long.toString(author));
        assertThat(first.getString("repostOf.text")).isEqualTo("post " + original.postId());

        JsonPath again = as(reposter).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(200).extract().jsonPath();
        assertThat(again.getString("id")).isEqualTo(first.getString("id"));
        JsonPath fetched = as(reposter).get("/v1/posts/" + first.getString("id")).then().statusCode(200).extract().jsonPath();
        assertThat(fetched.getString("repostOf.id")).isEqualTo(Long.toString(original.postId()));
    }

    @Test
    void repostOfARepost_repostsTheOriginal() {
        long author = newUser();
        PostRef original = fx.publish(author);
        long firstRepost = repost(newUser(), original.postId());

        JsonPath second = as(newUser()).post("/v1/posts/" + firstRepost + "/reposts").then().statusCode(201).extract().jsonPath();
        assertThat(second.getString("repostOf.id")).isEqualTo(Long.toString(original.postId()));
        assertThat(second.getString("repostOf.repostOf")).isNull();
    }

    @Test
    void repost_ofUnknownOrDeletedPost_is404_andOfAMalformedId_400() {
        long user = newUser();
        PostRef deleted = fx.publish(newUser());
        fx.tombstone(deleted.postId());
        as(user).post("/v1/posts/" + deleted.postId() + "/reposts").then().statusCode(404)
                .contentType("application/problem+json").body("status", org.hamcrest.Matchers.equalTo(404));
        as(user).post("/v1/posts/123456789/reposts").then().statusCode(404).contentType("application/problem+json");
        as(user).post("/v1/posts/abc/reposts").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void timeline_repostByPushTierFollowee_joinsAtTheRepostsTime() {
        long reader = newUser();
        long reposter = newUser();
        long stranger = newUser(); // not followed by the reader
        relation.followPush(reader, reposter);
        page(reader, 1, null);
        PostRef original = fx.publish(stranger);
        PostRef older = fx.publish(reposter, reader);

        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader); // what fanout-worker does with the post.published event

        JsonPath p = page(reader, 20, null);
        assertThat(ids(p)).containsExactly(repost, older.postId());
        assertThat(p.getString("items[0].repostOf.id")).isEqualTo(Long.toString(original.postId()));
        // the reposter's own timeline has it too (delivery to self)
        assertThat(ids(page(reposter, 20, null))).contains(repost);
    }

    @Test
    void timeline_repostByPullTierAuthor_isPulledAtRead() {
        long reader = newUser();
        long hot = newUser();
        relation.followPull(reader, hot);
        page(reader, 1, null);
        PostRef original = fx.publish(newUser());
        PostRef own = fx.publish(hot);

        long repost = repost(hot, original.postId());
        hotCache.onChange(hot).toCompletableFuture().join(); // the pull-tier change broadcast, delivered in-process

        JsonPath p = page(reader, 20, null);
        assertThat(ids(p)).containsExactly(repost, own.postId());
        assertThat(p.getString("items[0].repostOf.id")).isEqualTo(Long.toString(original.postId()));
    }

    @Test
    void deleteOfOriginal_removesItsRepostsFromTimelinesAndOutboxesBeforeItAnswers() {
        long reader = newUser();
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reader, reposter);
        page(reader, 1, null);
        page(reposter, 1, null);
        PostRef original = authorPublishesOverHttp(author);
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);
        assertThat(ids(page(reader, 20, null))).contains(repost);
        assertThat(listing(reposter)).contains(repost);
        assertThat(outbox(reposter)).contains(Long.toString(repost));

        as(author).delete("/v1/posts/" + original.postId()).then().statusCode(204);

        assertThat(ids(page(reader, 20, null))).doesNotContain(repost);
        assertThat(ids(page(reposter, 20, null))).doesNotContain(repost);
        assertThat(listing(reposter)).doesNotContain(repost);
        assertThat(outbox(reposter)).doesNotContain(Long.toString(repost));
        as(reader).get("/v1/posts/" + repost).then().statusCode(404);
    }

    @Test
    void unrepost_removesTheRepost_andRepostingAgainMakesANewOne() {
        long reader = newUser();
        long reposter = newUser();
        relation.followPush(reader, reposter);
        page(reader, 1, null);
        PostRef original = fx.publish(newUser());
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);
        assertThat(ids(page(reader, 20, null))).containsExactly(repost);

        as(reposter).delete("/v1/posts/" + repost).then().statusCode(204);

        assertThat(ids(page(reader, 20, null))).isEmpty();
        assertThat(listing(reposter)).doesNotContain(repost);
        assertThat(outbox(reposter)).doesNotContain(Long.toString(repost));
        long again = as(reposter).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        assertThat(again).isNotEqualTo(repost);
    }

    @Test
    void timeline_repostByAMutedUser_andRepostOfABlockedAuthorsPost_areHidden() {
        long reader = newUser();
        long muted = newUser();
        long friend = newUser();
        long blocked = newUser();
        relation.followPush(reader, muted, friend);
        relation.mute(reader, muted);
        relation.block(reader, blocked);
        page(reader, 1, null);
        PostRef ofBlocked = fx.publish(blocked);
        PostRef ofOther = fx.publish(newUser());
        long byMuted = repost(muted, ofOther.postId());
        long ofBlockedAuthor = repost(friend, ofBlocked.postId());
        long fine = repost(friend, fx.publish(newUser()).postId());
        for (long r : List.of(byMuted, ofBlockedAuthor, fine)) {
            fx.pushToLiveInboxes(refOf(r), reader);
        }

        assertThat(all(reader, 2)).containsExactly(fine);
    }

    @Test
    void repost_acrossABlockInEitherDirection_is403Problem_andNothingIsStored_whileAMuteDoesNotRefuse() {
        long author = newUser();
        long blockedByAuthor = newUser();
        long blocksAuthor = newUser();
        long mutesAuthor = newUser();
        relation.block(author, blockedByAuthor);
        relation.block(blocksAuthor, author);
        relation.mute(mutesAuthor, author);
        PostRef original = fx.publish(author);

        for (long user : List.of(blockedByAuthor, blocksAuthor)) {
            as(user).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(403)
                    .contentType("application/problem+json")
                    .body("status", org.hamcrest.Matchers.equalTo(403))
                    .body("type", org.hamcrest.Matchers.endsWith("blocked"))
                    .body("detail", org.hamcrest.Matchers.containsString(Long.toString(original.postId())));
            assertThat(listing(user)).as("no repost stored for %d", user).isEmpty();
            assertThat(outbox(user)).isEmpty();
        }
        long byMuter = repost(mutesAuthor, original.postId());
        assertThat(listing(mutesAuthor)).containsExactly(byMuter);
    }

    @Test
    void repost_rightAfterABlockMadeInRelationService_beforeItsEventArrives_is403() {
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reposter, author);
        PostRef original = fx.publish(author);
        page(reposter, 1, null); // the reposter's hidden set is cached now: no block
        int asked = relation.hiddenCalls.get();

        // The block is in relation-service only: no relation.blocked event reaches this instance, so
        // the cached set still says "no block" (before the fix, the repost passed with 201).
        relation.block(author, reposter);
        as(reposter).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(403)
                .contentType("application/problem+json").body("type", org.hamcrest.Matchers.endsWith("blocked"));

        assertThat(relation.hiddenCalls.get()).as("relation-service asked at the write").isGreaterThan(asked);
        assertThat(listing(reposter)).isEmpty();
        assertThat(outbox(reposter)).as("no post in the outbox (its empty marker aside)").isSubsetOf("0");
    }

    @Test
    void repost_whileRelationServiceIsDown_isDecidedByTheCachedSet_andWithNoneKnownIs503() {
        long author = newUser();
        long blocked = newUser();
        long stranger = newUser();
        relation.block(author, blocked);
        PostRef original = fx.publish(author);
        page(blocked, 1, null); // caches the set that holds the block
        long degradedBefore = hiddenAuthors.degradedBlockChecks();

        relation.down = true;
        try {
            as(blocked).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(403)
                    .body("type", org.hamcrest.Matchers.endsWith("blocked"));
            as(stranger).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(503)
                    .contentType("application/problem+json").body("status", org.hamcrest.Matchers.equalTo(503));
            assertThat(hiddenAuthors.degradedBlockChecks() - degradedBefore).isEqualTo(2);
        } finally {
            relation.down = false;
        }
        assertThat(listing(blocked)).isEmpty();
        assertThat(listing(stranger)).isEmpty();
    }

    private long repost(long user, long postId) {
        return as(user).post("/v1/posts/" + postId + "/reposts").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static PostRef refOf(long postId) {
        return new PostRef(postId, SnowflakeIds.instantOf(postId).toEpochMilli());
    }

    private PostRef authorPublishesOverHttp(long author) {
        JsonPath p = as(author).contentType("application/json").body("{\"text\": \"original\"}").post("/v1/posts")
                .then().statusCode(201).extract().jsonPath();
        long id = p.getLong("id");
        return refOf(id);
    }

    private static List<Long> listing(long author) {
        return ids(as(author).get("/v1/users/" + author + "/posts").then().statusCode(200).extract().jsonPath());
    }

    private List<String> outbox(long author) {
        List<String> members = new ArrayList<>();
        redis.send(Request.cmd(Command.ZRANGE).arg(OutboxStore.key(author)).arg(0).arg(-1)).await().indefinitely()
                .forEach(r -> members.add(r.toString()));
        return members;
    }
}
