package dev.feed.relation.internal;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.feed.relation.Management;
import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InternalResourceTest {
    @Inject
    Pool pool;

    private static RequestSpecification internal() {
        return Management.given().header("X-Internal-Token", INTERNAL_TOKEN);
    }

    @Test
    void followerIds_keysetPagesInAscendingOrder_nextNullAtEnd() {
        long author = newUser();
        List<Long> fans = new ArrayList<>(LongStream.range(0, 5).map(i -> newUser()).boxed().toList());
        fans.forEach(f -> follow(f, author));
        fans.sort(Comparator.naturalOrder());

        JsonPath first = internal().queryParam("limit", 3).get("/internal/v1/authors/" + author + "/follower-ids")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("ids", String.class)).containsExactly(str(fans.subList(0, 3)));
        assertThat(first.getString("next")).isEqualTo(Long.toString(fans.get(2)));

        internal().queryParam("limit", 3).queryParam("after", first.getString("next"))
                .get("/internal/v1/authors/" + author + "/follower-ids")
                .then().statusCode(200).body("ids", contains(str(fans.subList(3, 5)))).body("next", nullValue());

        internal().get("/internal/v1/authors/" + author + "/follower-ids")
                .then().statusCode(200).body("ids", contains(str(fans))).body("next", nullValue());
    }

    @Test
    void followerIds_unknownAuthor_isEmpty() {
        internal().get("/internal/v1/authors/" + TestUsers.newId() + "/follower-ids")
                .then().statusCode(200).body("ids", empty()).body("next", nullValue());
    }

    @Test
    void followerIds_badLimitOrAfterOrId_is400() {
        for (String limit : List.of("0", "5001", "lots")) {
            internal().queryParam("limit", limit).get("/internal/v1/authors/1/follower-ids").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("limit"));
        }
        internal().queryParam("limit", 5000).get("/internal/v1/authors/1/follower-ids").then().statusCode(200);
        internal().queryParam("after", "x").get("/internal/v1/authors/1/follower-ids").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("after"));
        internal().get("/internal/v1/authors/abc/follower-ids").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'abc'"));
    }

    @Test
    void internal_withoutOrWithWrongToken_is401_andNoJwtNeeded() {
        Management.given().get("/internal/v1/authors/1/tier").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("X-Internal-Token"));
        Management.given().header("X-Internal-Token", "guess").get("/internal/v1/authors/1/follower-ids").then().statusCode(401)
                .contentType("application/problem+json");
        Management.given().header("X-Internal-Token", "guess").contentType(ContentType.JSON).body("{\"ids\":[]}")
                .post("/internal/v1/users/lookup").then().statusCode(401);
        // A user's JWT does not open the internal endpoints either.
        Management.given().auth().oauth2(TestUsers.token(1)).get("/internal/v1/users/1/followees").then().statusCode(401);
    }

    @Test
    void followees_splitByTier() {
        long reader = newUser();
        long small = newUser();
        long big = newUser();
        follow(reader, small);
        follow(reader, big);
        // A test shortcut to a pull-tier author; the tier rule itself is TierHysteresisTest's.
        pool.preparedQuery("UPDATE users SET tier = 'pull' WHERE id = $1").execute(Tuple.of(big)).await().indefinitely();

        internal().get("/internal/v1/users/" + reader + "/followees").then().statusCode(200)
                .body("push", contains(Long.toString(small)))
                .body("pull", contains(Long.toString(big)));
        internal().get("/internal/v1/users/" + TestUsers.newId() + "/followees").then().statusCode(200)
                .body("push", empty()).body("pull", empty());
    }

    @Test
    void tier_knownAuthor_tierAndCount_unknown_is404() {
        long author = newUser();
        follow(newUser(), author);
        internal().get("/internal/v1/authors/" + author + "/tier").then().statusCode(200)
                .body("id", equalTo(Long.toString(author)))
                .body("tier", equalTo("push"))
                .body("followerCount", equalTo(1));
        internal().get("/internal/v1/authors/" + TestUsers.newId() + "/tier").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void lookup_knownIdsInAskedOrder_unknownLeftOut() {
        long a = newUser();
        long b = newUser();
        internal().contentType(ContentType.JSON)
                .body("{\"ids\":[\"" + b + "\",\"" + TestUsers.newId() + "\",\"" + a + "\",\"" + b + "\"]}")
                .post("/internal/v1/users/lookup").then().statusCode(200)
                .body("items.id", contains(Long.toString(b), Long.toString(a)))
                .body("items[0].handle", org.hamcrest.Matchers.startsWith("u"))
                .body("items[0].displayName", equalTo("User " + b));
    }

    @Test
    void lookup_badInput_is400SayingWhat() {
        String tooMany = IntStream.rangeClosed(1, 501).mapToObj(i -> "\"" + i + "\"").collect(Collectors.joining(",", "{\"ids\":[", "]}"));
        lookup(tooMany).then().statusCode(400).contentType("application/problem+json").body("detail", containsString("500"));
        lookup("{\"ids\":[\"1\",\"two\"]}").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("ids[1]"));
        lookup("{\"ids\":[\"1\"],\"extra\":1}").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("extra"));
        lookup("{\"ids\":[").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("JSON"));
        lookup("{}").then().statusCode(400).contentType("application/problem+json").body("detail", containsString("ids"));
        lookup("{\"ids\":\"1\"}").then().statusCode(400).contentType("application/problem+json").body("detail", containsString("ids"));
    }

    private static io.restassured.response.Response lookup(String body) {
        return internal().contentType(ContentType.JSON).body(body).post("/internal/v1/users/lookup");
    }

    private static String[] str(List<Long> ids) {
        return ids.stream().map(String::valueOf).toArray(String[]::new);
    }
}
