package dev.feed.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** Bodies Jackson would read leniently by default are each a 400 problem saying what is wrong. */
@QuarkusTest
class StrictJsonTest {
    private final String token = Tokens.token(Tokens.newUserId());

    @Test
    void publish_trailingDataAfterTheObject_is400() {
        post("{\"text\":\"hi\"} {\"text\":\"again\"}", "application/json").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("status", equalTo(400)).body("detail", containsString("JSON"));
        post("{\"text\":\"hi\"}x", "application/json").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void publish_duplicateKey_is400() {
        post("{\"text\":\"one\",\"text\":\"two\"}", "application/json").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("text"));
    }

    @Test
    void publish_numberOrBooleanWhereTextIsExpected_is400NamingTheField() {
        post("{\"text\":5}", "application/json").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("text"));
        post("{\"text\":1.5}", "application/json").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        post("{\"text\":true}", "application/json").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("text"));
    }

    @Test
    void publish_withoutContentType_orAsText_is415Problem() {
        given().auth().oauth2(token).body("{\"text\":\"hi\"}".getBytes()).post("/v1/posts")
                .then().statusCode(415).contentType(Problem.MEDIA_TYPE).body("status", equalTo(415));
        post("{\"text\":\"hi\"}", "text/plain").then().statusCode(415).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void marker_trailingDataOrNumberForText_is400() {
        given().auth().oauth2(token).contentType("application/json").body("{\"position\":\"1.1\"} []")
                .put("/v1/timeline/marker").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    private Response post(String body, String contentType) {
        return given().auth().oauth2(token).contentType(contentType).body(body).post("/v1/posts");
    }
}
