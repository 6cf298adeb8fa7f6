package dev.feed.relation.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A user id has one spelling: the positive decimal without sign or leading zeros. */
@QuarkusTest
class CanonicalIdTest {
    private final String token = TestUsers.token(TestUsers.newId());

    @ParameterizedTest
    @ValueSource(strings = {"+7", "007", "0", "-7", "7.0", "1e3", "9223372036854775808", "%C2%A07"})
    void userIds_nonCanonical_are400(String id) {
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/users/" + id)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("user id"));
        given().auth().oauth2(token).urlEncodingEnabled(false).put("/v1/users/me/following/" + id)
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/users/" + id + "/followers")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void userId_canonicalButUnknown_is404() {
        given().auth().oauth2(token).get("/v1/users/9223372036854775807").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }
}
