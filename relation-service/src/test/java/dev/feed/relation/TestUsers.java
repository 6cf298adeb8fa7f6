package dev.feed.relation;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh ids, handles and tokens so tests never collide with each other or with earlier runs. */
public final class TestUsers {
    public static final String INTERNAL_TOKEN = "local-internal-token";

    private TestUsers() {
    }

    public static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    public static String newHandle() {
        return "u" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }

    public static String token(long userId) {
        return Jwt.issuer("https://feed.local").subject(Long.toString(userId)).upn(Long.toString(userId)).sign();
    }

    /** A user with a profile, created through the API; returns its id. */
    public static long newUser() {
        long id = newId();
        given().auth().oauth2(token(id)).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + newHandle() + "\",\"displayName\":\"User " + id + "\"}")
                .put("/v1/users/me")
                .then().statusCode(200);
        return id;
    }

    public static void follow(long follower, long followee) {
        given().auth().oauth2(token(follower)).put("/v1/users/me/following/" + followee).then().statusCode(204);
    }

    public static void unfollow(long follower, long followee) {
        given().auth().oauth2(token(follower)).delete("/v1/users/me/following/" + followee).then().statusCode(204);
    }
}
