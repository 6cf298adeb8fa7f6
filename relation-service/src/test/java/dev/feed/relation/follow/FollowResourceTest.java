package dev.feed.relation.follow;

import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.token;
import static dev.feed.relation.TestUsers.unfollow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.feed.relation.Db;
import dev.feed.relation.TestUsers;
import dev.feed.relation.event.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FollowResourceTest {
    @Inject
    Pool pool;

    @Test
    void follow_newEdge_is204_andMovesBothCounts() {
        long alice = newUser();
        long bob = newUser();

        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + bob).then().statusCode(204);

        given().auth().oauth2(token(alice)).get("/v1/users/" + bob).then().statusCode(200)
                .body("followerCount", equalTo(1)).body("followingCount", equalTo(0));
        given().auth().oauth2(token(alice)).get("/v1/users/" + alice).then().statusCode(200)
                .body("followerCount", equalTo(0)).body("followingCount", equalTo(1));
    }

    @Test
    void follow_twice_countsOnceAndEmitsOnce() {
        long alice = newUser();
        long bob = newUser();

        follow(alice, bob);
        follow(alice, bob);

        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", bob)).isEqualTo(1);
        assertThat(Db.count(pool, "SELECT following_count FROM users WHERE id = $1", alice)).isEqualTo(1);
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob))).containsExactly(EventLog.FOLLOWED);
    }

    @Test
    void unfollow_twice_countsOnceAndEmitsOnce() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);

        unfollow(alice, bob);
        unfollow(alice, bob);

        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", bob)).isZero();
        assertThat(Db.count(pool, "SELECT following_count FROM users WHERE id = $1", alice)).isZero();
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob))).containsExactly(EventLog.FOLLOWED, EventLog.UNFOLLOWED);
    }

    @Test
    void unfollow_neverFollowedOrUnknownUser_is204AndEmitsNothing() {
        long alice = newUser();
        long bob = newUser();
        long nobody = TestUsers.newId();

        unfollow(alice, bob);
        unfollow(alice, nobody);

        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob))).isEmpty();
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, nobody))).isEmpty();
    }

    @Test
    void follow_event_carriesTheSchemaFields() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);

        String payload = Db.rows(pool, "SELECT payload::text FROM relation_events WHERE partition_key = $1",
                EventLog.pairKey(alice, bob)).get(0).getString(0);
        JsonPath json = JsonPath.from(payload);
        assertThat(json.getString("type")).isEqualTo("relation.followed");
        assertThat(json.getInt("version")).isEqualTo(1);
        assertThat(json.getString("eventId")).matches("[0-9a-f-]{36}");
        assertThat(json.getString("occurredAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(json.getString("followerId")).isEqualTo(Long.toString(alice));
        assertThat(json.getString("followeeId")).isEqualTo(Long.toString(bob));
        assertThat(json.getString("followeeTier")).isEqualTo("push");
    }

    @Test
    void follow_self_is400() {
        long alice = newUser();
        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + alice).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("yourself"));
        given().auth().oauth2(token(alice)).delete("/v1/users/me/following/" + alice).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("yourself"));
    }

    @Test
    void follow_unknownUser_is404() {
        long alice = newUser();
        long nobody = TestUsers.newId();
        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + nobody).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(Long.toString(nobody)));
    }

    @Test
    void follow_callerWithoutProfile_is409() {
        long bob = newUser();
        given().auth().oauth2(token(TestUsers.newId())).put("/v1/users/me/following/" + bob).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("PUT /v1/users/me"));
        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", bob)).isZero();
    }

    @Test
    void follow_idNotANumber_is400() {
        long alice = newUser();
        given().auth().oauth2(token(alice)).put("/v1/users/me/following/bob").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'bob'"));
        given().auth().oauth2(token(alice)).delete("/v1/users/me/following/-5").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'-5'"));
    }

    @Test
    void follow_withoutToken_is401() {
        given().put("/v1/users/me/following/1").then().statusCode(401).contentType("application/problem+json");
        given().get("/v1/users/1/followers").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void followers_pageWithCursor_ascendingIds_lastPageHasNullCursor() {
        long author = newUser();
        List<Long> followers = new ArrayList<>(LongStream.range(0, 5).map(i -> newUser()).boxed().toList());
        followers.forEach(f -> follow(f, author));
        followers.sort(Comparator.naturalOrder());
        String reader = token(author);

        JsonPath first = given().auth().oauth2(reader).queryParam("limit", 2).get("/v1/users/" + author + "/followers")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id", String.class)).containsExactly(ids(followers.subList(0, 2)));
        assertThat(first.getString("items[0].handle")).startsWith("u");
        assertThat(first.getString("items[0].displayName")).isEqualTo("User " + followers.get(0));
        assertThat(first.getString("nextCursor")).isEqualTo(Long.toString(followers.get(1)));

        JsonPath second = given().auth().oauth2(reader).queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                .get("/v1/users/" + author + "/followers").then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("items.id", String.class)).containsExactly(ids(followers.subList(2, 4)));

        given().auth().oauth2(reader).queryParam("limit", 2).queryParam("cursor", second.getString("nextCursor"))
                .get("/v1/users/" + author + "/followers").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(Long.toString(followers.get(4))))
                .body("nextCursor", nullValue());
    }

    @Test
    void followers_exactlyFullLastPage_hasNullCursor() {
        long author = newUser();
        long f = newUser();
        follow(f, author);
        given().auth().oauth2(token(author)).queryParam("limit", 1).get("/v1/users/" + author + "/followers")
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.contains(Long.toString(f)))
                .body("nextCursor", nullValue());
    }

    @Test
    void following_listsFollowees_defaultLimit() {
        long reader = newUser();
        List<Long> followees = new ArrayList<>(LongStream.range(0, 3).map(i -> newUser()).boxed().toList());
        followees.forEach(f -> follow(reader, f));
        followees.sort(Comparator.naturalOrder());

        given().auth().oauth2(token(reader)).get("/v1/users/" + reader + "/following").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(ids(followees)))
                .body("nextCursor", nullValue());
    }

    @Test
    void pages_userWithoutFollowers_isEmpty_unknownUser_is404() {
        long alice = newUser();
        given().auth().oauth2(token(alice)).get("/v1/users/" + alice + "/followers").then().statusCode(200)
                .body("items", empty()).body("nextCursor", nullValue());
        given().auth().oauth2(token(alice)).get("/v1/users/" + TestUsers.newId() + "/following").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void pages_badLimitOrCursor_is400SayingWhich() {
        String t = token(newUser());
        for (String limit : List.of("0", "101", "ten", "-1")) {
            given().auth().oauth2(t).queryParam("limit", limit).get("/v1/users/1/followers").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("limit"));
        }
        for (String cursor : List.of("abc", "-3", "1.5")) {
            given().auth().oauth2(t).queryParam("cursor", cursor).get("/v1/users/1/following").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("cursor"));
        }
        given().auth().oauth2(t).get("/v1/users/x1/followers").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("user id"));
    }

    private static String[] ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).toArray(String[]::new);
    }
}
