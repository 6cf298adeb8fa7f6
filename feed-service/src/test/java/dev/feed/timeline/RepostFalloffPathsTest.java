package dev.feed.timeline;

import static dev.feed.timeline.Fixture.as;
import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.post.SnowflakeIds;
import dev.feed.stream.StreamHub;
import dev.feed.testing.LocalStack;
import dev.feed.testing.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The falloff rule (one original at most once near the top) on every way a home timeline is served
 * besides the plain page ({@link RepostFalloffTest}): {@code since} pages, the stream's replay, the
 * ETag check and the degraded page read from Cassandra. Real Cassandra, Redis and Kafka; the
 * reposts are made over HTTP; relation-service is the fake.
 *
 * <p>Layout of each case: the original O by a push-tier followee, a few fillers after it, then a
 * repost R of O by another push-tier followee, then a plain post P: O is among the 40 items just
 * below R, so R is never shown.
 */
@QuarkusTest
class RepostFalloffPathsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Fixture fx;
    @Inject
    StreamHub hub;
    @Inject
    CircuitBreakerMaintenance breakers;
    @TestHTTPResource("/v1/timeline/stream")
    URI streamUri;

    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @AfterEach
    void closeBreakers() {
        breakers.resetAll(); // the Redis test must not leave an open breaker to the next test
    }

    /** reader follows author and reposter (push tier); the original, {@code fillers} posts, the repost (in the reader's inbox). */
    private record Layout(long reader, long author, long reposter, PostRef original, List<PostRef> fillers, long repost) {
    }

    private Layout layout(int fillers) {
        long reader = newUser();
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reader, author, reposter);
        page(reader, 1, null); // the reader's inbox exists: fanout reaches it
        PostRef original = fx.publish(author, reader);
        List<PostRef> between = new ArrayList<>();
        for (int i = 0; i < fillers; i++) {
            between.add(fx.publish(author, reader));
        }
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);
        return new Layout(reader, author, reposter, original, between, repost);
    }

    @Test
    void sincePage_leavesOutARepostWhoseOriginalIsJustBelowTheSincePosition_andStillFillsThePage() {
        Layout t = layout(3);
        String since = positionOf(t.fillers().get(t.fillers().size() - 1));
        PostRef after = publishOverHttp(t.author(), t.reader()); // newer than the repost

        // limit 1: the item closest above since is the repost, which falls off; the page goes on to the next one
        List<Long> first = ids(as(t.reader()).queryParam("limit", 1).queryParam("since", since).get("/v1/timeline")
                .then().statusCode(200).extract().jsonPath());
        assertThat(first).containsExactly(after.postId());
        List<Long> wide = ids(as(t.reader()).queryParam("limit", 20).queryParam("since", since).get("/v1/timeline")
                .then().statusCode(200).extract().jsonPath());
        assertThat(wide).containsExactly(after.postId()).doesNotContain(t.repost());
    }

    @Test
    void sincePage_showsARepostWhoseOriginalIsTheFortyFirstItemBelow() {
        Layout t = layout(RepostFalloff.FALLOFF);
        String since = positionOf(t.fillers().get(t.fillers().size() - 1));

        List<Long> above = ids(as(t.reader()).queryParam("limit", 20).queryParam("since", since).get("/v1/timeline")
                .then().statusCode(200).extract().jsonPath());
        assertThat(above).containsExactly(t.repost());
    }

    @Test
    void streamReplay_leavesOutARepostThatFallsOff_evenWhenItsEventIsAmongTheRecentOnes() throws Exception {
        Layout t = layout(3);
        String lastEventId = positionOf(t.fillers().get(t.fillers().size() - 1));
        PostRef after = publishOverHttp(t.author(), t.reader());
        // the repost's feed.posts event reached this instance: the catch-up finds it among the recent events
        Fixture.eventually(WAIT.toMillis(), () -> hub.recentlySeen(t.repost(), false), "the repost's event consumed");

        try (SseClient c = SseClient.open(streamUri, Fixture.token(t.reader()), lastEventId)) {
            assertThat(c.status()).isEqualTo(200);
            List<SseClient.Event> events = c.drain(Duration.ofSeconds(3));
            assertThat(events).extracting(SseClient.Event::id)
                    .containsExactly(positionOf(after))
                    .doesNotContain(positionOf(refOf(t.repost())));
        }
    }

    @Test
    void etag_ofAPageShowingARepost_doesNotAnswer304_onceTheOriginalBelowItMakesItFallOff() {
        long reader = newUser();
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reader, author, reposter);
        page(reader, 1, null);
        // the original's fanout has not reached the reader's inbox yet: no item of the timeline
        PostRef original = fx.durable(author);
        List<PostRef> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            own.add(fx.publish(reposter, reader));
        }
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);
        var first = as(reader).queryParam("limit", 2).get("/v1/timeline").then().statusCode(200).extract();
        assertThat(ids(first.jsonPath())).containsExactly(repost, own.get(2).postId());
        String tag = first.header("ETag");
        as(reader).queryParam("limit", 2).header("If-None-Match", tag).get("/v1/timeline").then().statusCode(304);

        // the late fanout lands: the original is 4 items below the repost, which falls off; the page's refs are the same
        fx.pushToLiveInboxes(original, reader);
        var second = as(reader).queryParam("limit", 2).header("If-None-Match", tag).get("/v1/timeline").then().statusCode(200).extract();
        assertThat(ids(second.jsonPath())).containsExactly(own.get(2).postId(), own.get(1).postId());
        assertThat(second.header("ETag")).isNotEqualTo(tag);
    }

    @Test
    void degradedPage_fromCassandra_leavesOutARepostThatFallsOff_asTheRedisPageDoes() {
        Layout t = layout(3);
        PostRef after = publishOverHttp(t.author(), t.reader());
        List<Long> expected = new ArrayList<>();
        expected.add(after.postId());
        for (int i = t.fillers().size() - 1; i >= 0; i--) {
            expected.add(t.fillers().get(i).postId());
        }
        expected.add(t.original().postId());
        assertThat(ids(page(t.reader(), 20, null))).containsExactlyElementsOf(expected);

        LocalStack.stop("redis");
        try {
            JsonPath first = page(t.reader(), 2, null);
            assertThat(first.getBoolean("degraded")).isTrue();
            assertThat(ids(first)).containsExactlyElementsOf(expected.subList(0, 1)).doesNotContain(t.repost());
            JsonPath whole = page(t.reader(), 20, null);
            assertThat(whole.getBoolean("degraded")).isTrue();
            assertThat(ids(whole)).containsExactlyElementsOf(expected);
        } finally {
            LocalStack.start("redis");
        }
    }

    private static long repost(long user, long postId) {
        return as(user).post("/v1/posts/" + postId + "/reposts").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** A post made now (newer than any fixture post), pushed to the reader's inbox as fanout-worker would. */
    private PostRef publishOverHttp(long author, long reader) {
        long id = as(author).contentType("application/json").body("{\"text\": \"after\"}").post("/v1/posts")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        PostRef ref = refOf(id);
        fx.pushToLiveInboxes(ref, reader);
        return ref;
    }

    private static PostRef refOf(long postId) {
        return new PostRef(postId, SnowflakeIds.instantOf(postId).toEpochMilli());
    }

    private static String positionOf(PostRef ref) {
        return ref.createdAtMillis() + "." + ref.postId();
    }
}
