package dev.feed.relation.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.feed.relation.Management;
import dev.feed.relation.TestUsers;
import dev.feed.relation.testing.LocalStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The graph's write limits against the real Redis: a bucket run dry answers 429 problem+json with
 * Retry-After and the X-RateLimit headers, it refills, the caller's and the client address's
 * buckets are independent, each family has its own buckets, and with Redis stopped the limiter
 * lets requests through (and counts them). Client addresses come from X-Forwarded-For, trusted
 * from 127.0.0.1 in this profile (the documented proxy setting). Follows of unknown users (404)
 * still take a token: the limit is on requests, whatever they answer.
 */
@QuarkusTest
@TestProfile(RateLimitTest.LowLimits.class)
class RateLimitTest {
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "feed.rate-limit.follows-per-user", "3",
                    "feed.rate-limit.follows-per-address", "5",
                    "feed.rate-limit.follows-period", "PT1H",
                    "feed.rate-limit.safety-per-user", "2",
                    "feed.rate-limit.safety-period", "PT10S",
                    "feed.rate-limit.profile-per-user", "1",
                    "feed.rate-limit.profile-period", "PT1H",
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @Inject
    MeterRegistry registry;
    @Inject
    Redis redis;

    @Test
    void followChurn_overTheCallersLimit_is429WithRetryAfterAndRateLimitHeaders_unfollowsCountToo() {
        long user = TestUsers.newId();
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            Response r = i % 2 == 0 ? follow(user, address) : unfollow(user, address);
            assertThat(r.statusCode()).isIn(204, 404);
            assertThat(r.header("X-RateLimit-Limit")).isEqualTo("3");
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
            assertThat(Long.parseLong(r.header("X-RateLimit-Reset"))).isGreaterThan(System.currentTimeMillis() / 1000 - 1);
        }
        Response refused = unfollow(user, address);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("type")).endsWith("/rate-limited");
        assertThat(refused.jsonPath().getString("detail")).contains("follows", "user");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
    }

    @Test
    void perUserAndPerAddressLimits_areIndependent_andEachFamilyHasItsOwnBuckets() {
        long heavy = TestUsers.newId();
        String first = newAddress();
        for (int i = 0; i < 3; i++) {
            follow(heavy, first);
        }
        assertThat(follow(heavy, newAddress()).statusCode()).isEqualTo(429);
        assertThat(follow(TestUsers.newId(), first).statusCode()).isNotEqualTo(429);
        assertThat(block(heavy, first).statusCode()).isNotEqualTo(429); // safety is not follows

        String shared = newAddress();
        for (int i = 0; i < 5; i++) {
            assertThat(follow(TestUsers.newId(), shared).statusCode()).isNotEqualTo(429);
        }
        long newcomer = TestUsers.newId();
        Response refused = follow(newcomer, shared);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("detail")).contains("address");
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("5");
        assertThat(follow(newcomer, newAddress()).statusCode()).isNotEqualTo(429);
    }

    @Test
    void profileUpdates_areLimited() {
        long user = TestUsers.newId();
        String address = newAddress();
        assertThat(putProfile(user, address).statusCode()).isEqualTo(200);
        Response refused = putProfile(user, address);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("1");
    }

    @Test
    void blockChurn_afterRetryAfter_isAllowedAgain() {
        long user = TestUsers.newId();
        String address = newAddress();
        assertThat(block(user, address).statusCode()).isEqualTo(404);
        assertThat(block(user, address).statusCode()).isEqualTo(404);
        Response refused = block(user, address);
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 10L);
        await().pollDelay(Duration.ofSeconds(retryAfter)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> block(user, address).statusCode() == 404);
    }

    @Test
    void follows_withTheLimiterStoreStopped_areServed_failingOpen_andCounted() {
        long user = TestUsers.newId();
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            follow(user, address);
        }
        assertThat(follow(user, address).statusCode()).isEqualTo(429);
        double before = failOpen("follows");
        LocalStack.stop("redis");
        try {
            Response served = follow(user, address);
            assertThat(served.statusCode()).isEqualTo(404); // the request went through to the graph
            assertThat(served.header("X-RateLimit-Remaining")).isNull();
            assertThat(failOpen("follows") - before).isGreaterThanOrEqualTo(2.0);
            Management.given().get("/q/health/ready").then().statusCode(200); // Redis is no part of readiness
        } finally {
            LocalStack.start("redis");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> "2".equals(follow(user, newAddress()).header("X-RateLimit-Remaining")));
    }

    /**
     * The caller's and the address's buckets go to Redis together, as one pipelined batch: counted by
     * Redis itself ({@code total_reads_processed} of INFO stats, one per request or pipeline read in
     * one go). Sent apart, as before, they were two per request.
     */
    @Test
    void limitCheck_ofBothBuckets_isOneRedisRoundTripPerRequest() {
        int requests = 30;
        follow(TestUsers.newId(), newAddress()); // connections are open and the script is loaded
        long before = readsProcessed();
        for (int i = 0; i < requests; i++) {
            Response r = follow(TestUsers.newId(), newAddress()); // fresh buckets: every request is let on
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.header("X-RateLimit-Remaining")).as("both buckets checked").isEqualTo("2");
        }
        long roundTrips = readsProcessed() - before - 1; // minus the INFO of the second readsProcessed()
        // Nothing else of this service talks to Redis; a stray client of the shared server may add a few.
        assertThat(roundTrips).as("Redis round trips for %d limited requests", requests)
                .isGreaterThanOrEqualTo(requests).isLessThan(requests + requests / 2);
    }

    private long readsProcessed() {
        String info = redis.send(Request.cmd(Command.INFO).arg("stats")).await().atMost(Duration.ofSeconds(10)).toString();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new AssertionError("INFO stats has no total_reads_processed");
    }

    private double failOpen(String family) {
        Counter c = registry.find("feed.ratelimit.failopen").tag("family", family).counter();
        return c == null ? 0 : c.count();
    }

    /** A follow of a user that does not exist: 404, no graph change, one token. */
    private static Response follow(long user, String address) {
        return given().auth().oauth2(TestUsers.token(user)).header("X-Forwarded-For", address)
                .put("/v1/users/me/following/" + TestUsers.newId());
    }

    private static Response unfollow(long user, String address) {
        return given().auth().oauth2(TestUsers.token(user)).header("X-Forwarded-For", address)
                .delete("/v1/users/me/following/" + TestUsers.newId());
    }

    private static Response block(long user, String address) {
        return given().auth().oauth2(TestUsers.token(user)).header("X-Forwarded-For", address)
                .put("/v1/users/me/blocks/" + TestUsers.newId());
    }

    private static Response putProfile(long user, String address) {
        return given().auth().oauth2(TestUsers.token(user)).header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"Limited\"}").put("/v1/users/me");
    }

    private static String newAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }
}
