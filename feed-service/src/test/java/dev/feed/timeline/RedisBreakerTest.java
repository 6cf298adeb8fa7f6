package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.testing.LocalStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@value RedisOrCassandra#REDIS_BREAKER} breaker open, caused for real: the stack's Redis
 * stopped ({@code ./feed stop redis}) and enough reads made to open it, then Redis started again.
 * While it is open every home timeline read (a page, the next page, an If-None-Match read, a
 * since read) is answered 200 from Cassandra, marked degraded, with every post; none is a 503
 * (the outage run of 2026-12-05 found 98 % 503s here: the open breaker's exception was not
 * recognised as "Redis unreachable").
 */
@QuarkusTest
class RedisBreakerTest {
    /** More than the breaker's request volume threshold (20): all of them fail on Redis, so it opens. */
    private static final int READS_TO_OPEN = 25;

    @Inject
    Fixture fx;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    MeterRegistry registry;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
        breakers.reset(RedisOrCassandra.REDIS_BREAKER); // an empty rolling window: the reads below decide its state
    }

    @AfterEach
    void closeBreakers() {
        breakers.resetAll(); // the next test class must not inherit an open breaker
    }

    @Test
    void timeline_whileRedisBreakerOpen_answersDegradedFromCassandra_andFromRedisOnceItIsBack() {
        long reader = newUser();
        List<Long> newest = newestFirst(fourPosts(reader));
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newest);

        double degradedBefore = degradedReads();
        double unavailableBefore = unavailableAnswers();
        LocalStack.stop("redis");
        try {
            openBreakerWithReads(reader, newest);

            JsonPath first = Fixture.page(reader, 3, null);
            assertThat(first.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(first)).containsExactlyElementsOf(newest.subList(0, 3));
            JsonPath second = Fixture.page(reader, 3, first.getString("nextCursor"));
            assertThat(second.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(second)).containsExactlyElementsOf(newest.subList(3, 4));

            JsonPath conditional = Fixture.as(reader).header("If-None-Match", "\"not-this-page\"").queryParam("limit", 10)
                    .get("/v1/timeline").then().statusCode(200).extract().jsonPath();
            assertThat(conditional.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(conditional)).containsExactlyElementsOf(newest);

            assertThat(degradedReads() - degradedBefore).isEqualTo(READS_TO_OPEN + 3);
            assertThat(unavailableAnswers() - unavailableBefore).isZero();
        } finally {
            LocalStack.start("redis");
        }
        // Redis back (empty: it keeps nothing on disk here): after the breaker's delay a trial read
        // goes to Redis, two good ones close it, and pages are whole again from a rebuilt inbox.
        Fixture.eventually(120_000, () -> Fixture.page(reader, 10, null).getString("degraded") == null,
                "a non-degraded page after Redis is back");
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newest);
        Fixture.eventually(30_000, () -> breakers.currentState(RedisOrCassandra.REDIS_BREAKER) == CircuitBreakerState.CLOSED,
                "the breaker closed by good reads");
    }

    @Test
    void sinceRead_whileRedisBreakerOpen_answersDegradedFromCassandra() {
        long reader = newUser();
        List<PostRef> posts = fourPosts(reader);
        List<Long> newest = newestFirst(posts);
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newest);
        PostRef oldest = posts.stream().sorted().toList().get(3);

        LocalStack.stop("redis");
        try {
            openBreakerWithReads(reader, newest);
            JsonPath up = Fixture.as(reader).queryParam("limit", 10)
                    .queryParam("since", oldest.createdAtMillis() + "." + oldest.postId()).get("/v1/timeline")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(up.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(up)).containsExactlyElementsOf(newest.subList(0, 3));
        } finally {
            LocalStack.start("redis");
        }
    }

    @Test
    void degradedPage_leavesOutARepostOfAMutedAuthorsPost_asARedisPageDoes() {
        long reader = newUser();
        long friend = newUser();
        long muted = newUser();
        relation.followPush(reader, friend);
        relation.mute(reader, muted);
        PostRef original = fx.publish(muted);
        long repost = Fixture.as(friend).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        PostRef own = fx.publish(friend);
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactly(own.postId());

        LocalStack.stop("redis");
        try {
            for (int i = 0; i < READS_TO_OPEN; i++) {
                JsonPath page = Fixture.page(reader, 10, null);
                assertThat(page.getBoolean("degraded")).isTrue();
                assertThat(Fixture.ids(page)).as("the repost %d of the muted author's post", repost).containsExactly(own.postId());
            }
            assertThat(breakers.currentState(RedisOrCassandra.REDIS_BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
            JsonPath page = Fixture.page(reader, 10, null);
            assertThat(page.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(page)).containsExactly(own.postId());
        } finally {
            LocalStack.start("redis");
        }
    }

    /** Three posts of a followed author and one of the reader's own. */
    private List<PostRef> fourPosts(long reader) {
        long author = newUser();
        relation.followPush(reader, author);
        List<PostRef> posts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            posts.add(fx.publish(author));
        }
        posts.add(fx.publish(reader));
        return posts;
    }

    /** With Redis stopped: reads until the breaker has seen enough failures to open, each one 200, degraded and whole. */
    private void openBreakerWithReads(long reader, List<Long> newest) {
        for (int i = 0; i < READS_TO_OPEN; i++) {
            JsonPath page = Fixture.page(reader, 10, null);
            assertThat(page.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(page)).containsExactlyElementsOf(newest);
        }
        assertThat(breakers.currentState(RedisOrCassandra.REDIS_BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
    }

    private double degradedReads() {
        var counter = registry.find(DegradedReads.METER).tag("reason", "redis").counter();
        return counter == null ? 0 : counter.count();
    }

    /** 503s of every kind (feed.unavailable counts each by dependency). */
    private double unavailableAnswers() {
        return registry.find("feed.unavailable").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
