package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.redis.RedisUnavailableException;
import dev.feed.testing.LocalStack;
import dev.feed.testing.SseClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reads beyond the home timeline page that have a Cassandra way, with the stack's Redis really
 * stopped ({@code ./feed stop redis}): one author's posts (degraded page), the read marker's unread
 * count (exact, from Cassandra), the stream's replay on resume; and what a reader gets when degraded
 * reads already fill the Cassandra bulkhead of {@link RedisOrCassandra} (503 problem+json with
 * Retry-After, then served again once it drains). Reads are checked while the breaker is still
 * closed (the Redis call fails) and while it is open (Redis is not asked).
 */
@QuarkusTest
class RedisDownReadsTest {
    /** More than the breaker's request volume threshold (20): all of them fail on Redis, so it opens. */
    private static final int READS_TO_OPEN = 25;

    @Inject
    Fixture fx;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    MeterRegistry registry;
    @Inject
    RedisOrCassandra redisOrCassandra;
    @Inject
    TimelineConfig config;
    @TestHTTPResource("/v1/timeline/stream")
    URI streamUri;

    private FakeRelation relation;
    private long reader;
    private long author;
    private PostRef original;
    /** The author's three posts and a repost (the newest), newest first. */
    private List<PostRef> authorsPosts;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
        breakers.reset(RedisOrCassandra.REDIS_BREAKER);
        reader = newUser();
        author = newUser();
        relation.followPush(reader, author);
        original = fx.publish(newUser());
        List<PostRef> posts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            posts.add(fx.publish(author));
        }
        JsonPath repost = Fixture.as(author).post("/v1/posts/" + original.postId() + "/reposts").then().statusCode(201)
                .extract().jsonPath();
        posts.add(new PostRef(Long.parseLong(repost.getString("id")), Instant.parse(repost.getString("createdAt")).toEpochMilli()));
        posts.sort(null);
        authorsPosts = posts;
        // the reader's inbox, built from Cassandra: all four are on the home timeline, from Redis
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(ids(authorsPosts));
    }

    @AfterEach
    void closeBreakers() {
        breakers.resetAll(); // the next test class must not inherit an open breaker
    }

    @Test
    void authorsPosts_withRedisStopped_areServedDegradedFromCassandra_pageByPage_andSince_andWholeOnceRedisIsBack() {
        JsonPath fromRedis = authorPage(10, null, null);
        assertThat(fromRedis.getString("degraded")).isNull();
        assertThat(Fixture.ids(fromRedis)).containsExactlyElementsOf(ids(authorsPosts));

        double unavailableBefore = unavailableAnswers();
        double degradedBefore = degradedReads();
        LocalStack.stop("redis");
        try {
            // breaker closed: the Redis way fails (the repost's original is checked against the tombstones in Redis)
            JsonPath page = authorPage(10, null, null);
            assertThat(page.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(page)).containsExactlyElementsOf(ids(authorsPosts));
            assertThat(page.getString("items[0].repostOf.id")).isEqualTo(Long.toString(original.postId()));

            int opening = openBreakerWithTimelineReads();
            JsonPath first = authorPage(2, null, null);
            JsonPath second = authorPage(2, first.getString("nextCursor"), null);
            assertThat(first.getBoolean("degraded")).isTrue();
            assertThat(second.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(first)).containsExactlyElementsOf(ids(authorsPosts.subList(0, 2)));
            assertThat(Fixture.ids(second)).containsExactlyElementsOf(ids(authorsPosts.subList(2, 4)));
            assertThat(second.getString("nextCursor")).isNull();

            JsonPath up = authorPage(10, null, position(authorsPosts.get(3)));
            assertThat(up.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(up)).containsExactlyElementsOf(ids(authorsPosts.subList(0, 3)));

            assertThat(degradedReads() - degradedBefore).isEqualTo(opening + 4);
            assertThat(unavailableAnswers() - unavailableBefore).isZero();
        } finally {
            LocalStack.start("redis");
        }
        Fixture.eventually(120_000, () -> authorPage(10, null, null).getString("degraded") == null,
                "a non-degraded page of the author's posts after Redis is back");
        assertThat(Fixture.ids(authorPage(10, null, null))).containsExactlyElementsOf(ids(authorsPosts));
    }

    @Test
    void unreadCount_withRedisStopped_isCountedFromCassandra_asExactAsFromRedis() {
        PostRef oldest = authorsPosts.get(3);
        assertThat(MarkerTest.put(reader, position(oldest)).getInt("unreadCount")).as("from Redis").isEqualTo(3);

        double unavailableBefore = unavailableAnswers();
        LocalStack.stop("redis");
        try {
            assertThat(MarkerTest.get(reader).getInt("unreadCount")).as("Redis call failed").isEqualTo(3);
            openBreakerWithTimelineReads();
            assertThat(MarkerTest.get(reader).getInt("unreadCount")).as("breaker open").isEqualTo(3);
            // the marker moves on (Cassandra) and the count follows
            assertThat(MarkerTest.put(reader, position(authorsPosts.get(1))).getInt("unreadCount")).isEqualTo(1);
            assertThat(unavailableAnswers() - unavailableBefore).isZero();
        } finally {
            LocalStack.start("redis");
        }
    }

    @Test
    void streamResume_withRedisStopped_replaysWhatWasMissed_fromCassandra_once() throws Exception {
        PostRef seen = authorsPosts.get(3);
        List<Long> missed = ids(authorsPosts.subList(0, 3));

        LocalStack.stop("redis");
        try {
            openBreakerWithTimelineReads();
            try (SseClient c = SseClient.open(streamUri, Fixture.token(reader), position(seen))) {
                assertThat(c.status()).isEqualTo(200);
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < missed.size(); i++) {
                    SseClient.Event e = c.next(Duration.ofSeconds(30));
                    assertThat(e).as("replayed event %d within 30 s", i).isNotNull();
                    assertThat(e.name()).isEqualTo("post");
                    got.add(Long.parseLong(e.id().substring(e.id().indexOf('.') + 1)));
                }
                // The repost may come first, from the instance's recent events (delivered as live, then
                // dropped from the replay as a repeat); the Cassandra-only posts come oldest first.
                assertThat(got).containsExactlyInAnyOrderElementsOf(missed);
                assertThat(got.stream().filter(id -> !id.equals(missed.get(0))).toList())
                        .containsExactly(missed.get(2), missed.get(1));
                assertThat(c.drain(Duration.ofSeconds(2))).as("no repeat").isEmpty();
            }
        } finally {
            LocalStack.start("redis");
        }
    }

    @Test
    void degradedRead_beyondTheCassandraBulkhead_is503ProblemWithRetryAfter_andServedOnceItDrains() throws Exception {
        CompletableFuture<Object> gate = new CompletableFuture<>();
        int held = 2 * config.degradedConcurrency(); // as many running as the limit, as many queued
        CountDownLatch done = new CountDownLatch(held);
        ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
        AtomicInteger started = new AtomicInteger();
        MarkerTest.put(reader, position(authorsPosts.get(3))); // a marker, so reading it counts what is unread
        LocalStack.stop("redis");
        try {
            for (int i = 0; i < held; i++) {
                redisOrCassandra.<Object>read(() -> Uni.createFrom().failure(new RedisUnavailableException("held by the test", null)),
                                () -> {
                                    started.incrementAndGet();
                                    return Uni.createFrom().completionStage(gate);
                                }, UnaryOperator.identity())
                        .subscribe().with(ok -> done.countDown(), e -> {
                            refused.add(e);
                            done.countDown();
                        });
            }
            assertThat(refused).as("the bulkhead admits its limit and its queue").isEmpty();
            assertThat(started.get()).as("as many running as the limit, the rest queued").isEqualTo(config.degradedConcurrency());
            Throwable beyond = redisOrCassandra.<Object>read(() -> Uni.createFrom().failure(new RedisUnavailableException("one more", null)),
                    () -> Uni.createFrom().item("served"), UnaryOperator.identity()).onItemOrFailure().transform((item, e) -> e)
                    .await().atMost(Duration.ofSeconds(30));
            assertThat(beyond).as("one read beyond the bulkhead").isInstanceOf(BulkheadException.class);

            for (Response answer : List.of(Fixture.as(reader).queryParam("limit", 10).get("/v1/timeline"),
                    Fixture.as(reader).get("/v1/timeline/marker"))) {
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.jsonPath().getInt("status")).isEqualTo(503);
                assertThat(answer.jsonPath().getString("type")).isNotBlank();
                assertThat(answer.jsonPath().getString("detail")).contains("degraded");
                assertThat(Long.parseLong(answer.header("Retry-After"))).isPositive();
            }

            gate.complete("released");
            assertThat(done.await(60, TimeUnit.SECONDS)).as("the held reads finish once released").isTrue();
            JsonPath page = Fixture.page(reader, 10, null);
            assertThat(page.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(page)).containsExactlyElementsOf(ids(authorsPosts));
        } finally {
            gate.complete("released");
            LocalStack.start("redis");
        }
    }

    private JsonPath authorPage(int limit, String cursor, String since) {
        RequestSpecification r = Fixture.as(reader).queryParam("limit", limit);
        if (cursor != null) {
            r.queryParam("cursor", cursor);
        }
        if (since != null) {
            r.queryParam("since", since);
        }
        return r.get("/v1/users/" + author + "/posts").then().statusCode(200).extract().jsonPath();
    }

    /**
     * With Redis stopped: home timeline reads until the breaker has seen enough failures to open,
     * each one degraded and whole; returns how many were made.
     */
    private int openBreakerWithTimelineReads() {
        int reads = 0;
        while (reads < READS_TO_OPEN && breakers.currentState(RedisOrCassandra.REDIS_BREAKER) != CircuitBreakerState.OPEN) {
            JsonPath page = Fixture.page(reader, 10, null);
            assertThat(page.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(page)).containsExactlyElementsOf(ids(authorsPosts));
            reads++;
        }
        assertThat(breakers.currentState(RedisOrCassandra.REDIS_BREAKER)).isEqualTo(CircuitBreakerState.OPEN);
        return reads;
    }

    private static List<Long> ids(List<PostRef> refs) {
        return Fixture.idsOf(refs);
    }

    private static String position(PostRef ref) {
        return ref.createdAtMillis() + "." + ref.postId();
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
