package dev.feed.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.LocalStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limits beyond publishing against the real Redis: a bucket run dry answers 429 problem+json
 * with Retry-After and the X-RateLimit headers, it refills, the caller's and the client address's
 * buckets are independent, and with Redis stopped the limiter lets requests through (and counts
 * them). Client addresses are set with X-Forwarded-For, which this profile trusts from 127.0.0.1
 * (the documented proxy setting); every test uses fresh users and addresses, since buckets
 * outlive a test run in Redis.
 */
@QuarkusTest
@TestProfile(RateLimitTest.LowLimits.class)
class RateLimitTest {
    /** Long periods where a test runs a bucket dry (no refill while it does), a short one to see the refill. */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("feed.rate-limit.timeline-per-user", "3"),
                    Map.entry("feed.rate-limit.timeline-per-address", "5"),
                    Map.entry("feed.rate-limit.timeline-period", "PT1H"),
                    Map.entry("feed.rate-limit.deletes-per-user", "2"),
                    Map.entry("feed.rate-limit.deletes-per-address", "1000"),
                    Map.entry("feed.rate-limit.deletes-period", "PT10S"),
                    Map.entry("feed.rate-limit.publish-burst", "2"),
                    Map.entry("feed.rate-limit.publish-per-minute", "1"),
                    Map.entry("feed.rate-limit.publish-per-address", "4"),
                    Map.entry("feed.rate-limit.publish-period", "PT1H"),
                    // a check that fails open drops the headers these tests read: not because the machine is busy
                    Map.entry("feed.rate-limit.timeout", "PT10S"),
                    Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
                    Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
                    Map.entry("quarkus.http.proxy.trusted-proxies", "127.0.0.1"));
        }
    }

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void relationServiceKnowsNobody() {
        // readers follow no one: a timeline page needs only their own outbox
        QuarkusMock.installMockForType(new FakeRelation().client(), RelationClient.class, RestClient.LITERAL);
    }

    @Test
    void timeline_overTheCallersLimit_is429WithRetryAfterAndRateLimitHeaders_andEveryAnswerCarriesTheHeaders() {
        long reader = newUser();
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            Response ok = timeline(reader, address);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
            assertThat(Long.parseLong(ok.header("X-RateLimit-Reset"))).isGreaterThan(System.currentTimeMillis() / 1000 - 1);
        }
        Response refused = timeline(reader, address);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("type")).endsWith("/rate-limited");
        assertThat(refused.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(refused.jsonPath().getString("detail")).contains("timeline", "user");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.header("X-RateLimit-Reset")).isNotNull();
    }

    @Test
    void userPostsPage_sharesTheTimelineFamily_andABadRequestStillCarriesTheHeaders() {
        long reader = newUser();
        String address = newAddress();
        assertThat(authorPosts(reader, address, "1001").statusCode()).isEqualTo(200);
        Response bad = authorPosts(reader, address, "not-an-id");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.header("X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(timeline(reader, address).header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(authorPosts(reader, address, "1001").statusCode()).isEqualTo(429);
    }

    @Test
    void perUserAndPerAddressLimits_areIndependent() {
        // the caller's bucket follows the caller to another address; another caller at that address is served
        long heavy = newUser();
        String first = newAddress();
        for (int i = 0; i < 3; i++) {
            assertThat(timeline(heavy, first).statusCode()).isEqualTo(200);
        }
        String second = newAddress();
        assertThat(timeline(heavy, second).statusCode()).isEqualTo(429);
        assertThat(timeline(newUser(), first).statusCode()).isEqualTo(200);

        // an address's bucket (5) runs dry over five callers, each far below their own limit
        String shared = newAddress();
        for (int i = 0; i < 5; i++) {
            assertThat(timeline(newUser(), shared).statusCode()).isEqualTo(200);
        }
        long newcomer = newUser();
        Response refused = timeline(newcomer, shared);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("detail")).contains("address");
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("5");
        assertThat(timeline(newcomer, newAddress()).statusCode()).isEqualTo(200);
    }

    @Test
    void publish_overTheAddressLimit_is429AcrossCallers_andEveryAnswerCarriesTheRateLimitHeaders() {
        String shared = newAddress();
        for (int i = 0; i < 4; i++) {
            Response published = publish(newUser(), shared);
            assertThat(published.statusCode()).isEqualTo(201);
            // the tighter bucket: each caller's (1 of 2 left) until the address's (3, 2, 1, 0 of 4 left) has fewer
            assertThat(published.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(Math.min(1, 3 - i)));
            assertThat(published.header("X-RateLimit-Limit")).isEqualTo(i < 3 ? "2" : "4");
            assertThat(Long.parseLong(published.header("X-RateLimit-Reset"))).isGreaterThan(System.currentTimeMillis() / 1000 - 1);
        }
        long newcomer = newUser();
        Response refused = publish(newcomer, shared);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("detail")).contains("publish", "address");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("4");
        assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(publish(newcomer, newAddress()).statusCode()).isEqualTo(201);
    }

    @Test
    void publish_overTheCallersLimit_is429_andARepostCountsAsAPublish() {
        long user = newUser();
        String address = newAddress();
        Response first = publish(user, address);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(first.header("X-RateLimit-Remaining")).isEqualTo("1");
        String postId = first.jsonPath().getString("id");
        Response repost = given().header("Authorization", "Bearer " + token(user)).header("X-Forwarded-For", address)
                .post("/v1/posts/" + postId + "/reposts");
        assertThat(repost.statusCode()).isEqualTo(201);
        assertThat(repost.header("X-RateLimit-Remaining")).isEqualTo("0");
        Response refused = publish(user, newAddress());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("detail")).contains("publish", "user");
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("2");
    }

    @Test
    void deletes_afterRetryAfter_areAllowedAgain() {
        long user = newUser();
        String address = newAddress();
        String unknownPost = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        assertThat(delete(user, address, unknownPost).statusCode()).isEqualTo(404);
        assertThat(delete(user, address, unknownPost).statusCode()).isEqualTo(404);
        Response refused = delete(user, address, unknownPost);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("2");
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 10L);

        await().pollDelay(Duration.ofSeconds(retryAfter)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> delete(user, address, unknownPost).statusCode() == 404);
    }

    @Test
    void timeline_withTheLimiterStoreStopped_isServed_failingOpen_andCounted() {
        long reader = newUser();
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            timeline(reader, address);
        }
        assertThat(timeline(reader, address).statusCode()).isEqualTo(429);
        double before = failOpen("timeline");
        LocalStack.stop("redis");
        try {
            Response served = timeline(reader, address);
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.jsonPath().getBoolean("degraded")).isTrue(); // the page itself came from Cassandra
            assertThat(served.header("X-RateLimit-Remaining")).isNull(); // nothing was counted
            assertThat(failOpen("timeline") - before).isGreaterThanOrEqualTo(2.0); // the caller's and the address's take
        } finally {
            LocalStack.start("redis");
        }
        // Redis came back empty (it keeps nothing on disk here): the caller starts from a full bucket
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> "2".equals(timeline(reader, newAddress()).header("X-RateLimit-Remaining")));
    }

    private double failOpen(String family) {
        Counter c = registry.find("feed.ratelimit.failopen").tag("family", family).counter();
        return c == null ? 0 : c.count();
    }

    private static Response timeline(long reader, String address) {
        return given().header("Authorization", "Bearer " + token(reader)).header("X-Forwarded-For", address)
                .queryParam("limit", 5).get("/v1/timeline");
    }

    private static Response authorPosts(long reader, String address, String author) {
        return given().header("Authorization", "Bearer " + token(reader)).header("X-Forwarded-For", address)
                .get("/v1/users/" + author + "/posts");
    }

    private static Response publish(long user, String address) {
        return given().header("Authorization", "Bearer " + token(user)).header("X-Forwarded-For", address)
                .contentType("application/json").body("{\"text\":\"limited\"}").post("/v1/posts");
    }

    private static Response delete(long user, String address, String postId) {
        return given().header("Authorization", "Bearer " + token(user)).header("X-Forwarded-For", address)
                .delete("/v1/posts/" + postId);
    }

    private static String token(long user) {
        return Jwt.issuer("https://feed.local").subject(Long.toString(user)).sign();
    }

    private static long newUser() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    /** A random address in 10.0.0.0/8, fresh for each use. */
    private static String newAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }
}
