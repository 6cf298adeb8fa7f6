package dev.feed.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An id has one spelling: the positive decimal without sign or leading zeros. */
@QuarkusTest
class CanonicalIdTest {
    private final String token = Tokens.token(Tokens.newUserId());

    @ParameterizedTest
    @ValueSource(strings = {"+7", "007", "0", "-7", "7.0", "1e3", "0x1F", "9223372036854775808", "%C2%A07"})
    void postAndUserIds_nonCanonical_are400(String id) {
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/posts/" + id)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("post id"));
        given().auth().oauth2(token).urlEncodingEnabled(false).delete("/v1/posts/" + id)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/users/" + id + "/posts")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("user id"));
    }

    @Test
    void postId_canonicalButUnknown_is404() {
        given().auth().oauth2(token).get("/v1/posts/9223372036854775807").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }
}
