package dev.feed.relation.follow;

import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.token;
import static dev.feed.relation.TestUsers.unfollow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.relation.Db;
import dev.feed.relation.event.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The follow cap (FEED_FOLLOW_MAX, default 7,500) against the real PostgreSQL; the count is set in SQL rather than by 7,500 follows. */
@QuarkusTest
class FollowCapTest {
    @Inject
    Pool pool;
    @Inject
    FollowConfig config;

    @Test
    void follow_atTheCap_is409FollowLimit_andChangesNothing() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        setFollowingCount(alice, config.max() - 1);

        follow(alice, bob); // the last one allowed
        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + carol).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", containsString("follow-limit")).body("status", equalTo(409))
                .body("title", equalTo("Follow limit reached")).body("detail", containsString(Integer.toString(config.max())));

        assertThat(Db.count(pool, "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2", alice, carol)).isZero();
        assertThat(Db.count(pool, "SELECT following_count FROM users WHERE id = $1", alice)).isEqualTo(config.max());
        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", carol)).isZero();
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, carol))).isEmpty();
    }

    @Test
    void follow_atTheCap_ofSomeoneAlreadyFollowed_is204() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);
        setFollowingCount(alice, config.max());

        follow(alice, bob);
    }

    @Test
    void follow_afterAnUnfollowAtTheCap_isAllowedAgain() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        follow(alice, bob);
        setFollowingCount(alice, config.max());
        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + carol).then().statusCode(409);

        unfollow(alice, bob);
        follow(alice, carol);

        assertThat(Db.count(pool, "SELECT following_count FROM users WHERE id = $1", alice)).isEqualTo(config.max());
    }

    private void setFollowingCount(long user, long count) {
        Db.rows(pool, "UPDATE users SET following_count = $2 WHERE id = $1", user, count);
    }
}
