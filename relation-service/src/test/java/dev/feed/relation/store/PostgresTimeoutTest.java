package dev.feed.relation.store;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.feed.relation.Db;
import dev.feed.relation.Management;
import dev.feed.relation.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL slower than the statement timeout, for real: another connection holds a lock the
 * request's statement needs, so PostgreSQL cancels the statement after {@code statement_timeout}.
 * The caller gets a 503 problem with Retry-After, not a 500 and not a request left hanging; the
 * internal reads' breaker opens after repeated timeouts, answers 503 without asking PostgreSQL,
 * and closes again once the lock is gone. Short timeout and breaker settings in this profile (the
 * breaker stays open 10 s: long enough for the assertions on a busy machine).
 */
@QuarkusTest
@TestProfile(PostgresTimeoutTest.ShortTimeout.class)
class PostgresTimeoutTest {
    public static class ShortTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.reactive.additional-properties.statement_timeout", "1s",
                    "feed.pg.breaker.volume", "4",
                    "feed.pg.breaker.delay", "PT10S");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    @Test
    void follow_whileTheFolloweesRowIsLockedPastTheStatementTimeout_is503ProblemWithRetryAfter_thenServed() {
        long me = TestUsers.newUser();
        long followee = TestUsers.newUser();
        SqlConnection holder = lockInTransaction("SELECT 1 FROM users WHERE id = " + followee + " FOR UPDATE");
        try {
            Response refused = given().auth().oauth2(TestUsers.token(me)).put("/v1/users/me/following/" + followee);
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.jsonPath().getString("type")).endsWith("/unavailable");
            assertThat(refused.jsonPath().getString("detail")).contains("timeout");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        } finally {
            release(holder);
        }
        given().auth().oauth2(TestUsers.token(me)).put("/v1/users/me/following/" + followee).then().statusCode(204);
        assertThat(Db.count(pool, "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2", me, followee))
                .as("the edge, once the lock is gone").isEqualTo(1);
    }

    @Test
    void internalReads_pastTheStatementTimeout_openTheBreaker_whichAnswers503WithoutAsking_andClosesAfterTheLockIsGone() {
        long reader = TestUsers.newUser();
        assertThat(breakerState()).isZero();
        // Reading the mutes table waits for this lock; the statement is cancelled after 1 s.
        SqlConnection holder = lockInTransaction("LOCK TABLE mutes IN ACCESS EXCLUSIVE MODE");
        try {
            for (int i = 0; i < 4; i++) {
                Response timedOut = hiddenAuthors(reader);
                assertThat(timedOut.statusCode()).as(timedOut.asString()).isEqualTo(503);
                assertThat(timedOut.jsonPath().getString("detail")).contains("timeout");
            }
            assertThat(breakerState()).as("feed_postgres_breaker_state after 4 timeouts").isEqualTo(2.0);
            Response refused = hiddenAuthors(reader);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.jsonPath().getString("detail")).contains("breaker is open");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
            Management.given().get("/q/metrics").then().statusCode(200)
                    .body(org.hamcrest.Matchers.containsString("feed_postgres_breaker_state 2.0"));
            // readiness shows the state but stays UP: every replica shares this PostgreSQL (PostgresBreakerState)
            Management.given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'circuit-breakers' }.data.'relation-postgres'", org.hamcrest.Matchers.equalTo("OPEN"));
        } finally {
            release(holder);
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> hiddenAuthors(reader).statusCode() == 200);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> hiddenAuthors(reader).statusCode() == 200 && breakerState() == 0.0);
    }

    private Response hiddenAuthors(long user) {
        return Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/" + user + "/hidden-authors");
    }

    private double breakerState() {
        return registry.get("feed.postgres.breaker.state").gauge().value();
    }

    /** A connection of its own, in a transaction that holds what {@code sql} locks until {@link #release}. */
    private SqlConnection lockInTransaction(String sql) {
        SqlConnection c = pool.getConnection().await().atMost(WAIT);
        c.query("BEGIN").execute().await().atMost(WAIT);
        c.query(sql).execute().await().atMost(WAIT);
        return c;
    }

    private static void release(SqlConnection c) {
        try {
            c.query("ROLLBACK").execute().await().atMost(WAIT);
        } finally {
            c.close().await().atMost(WAIT);
        }
    }
}
