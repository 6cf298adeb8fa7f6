package dev.feed.relation.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** Bodies Jackson would read leniently by default are each a 400 problem saying what is wrong. */
@QuarkusTest
class StrictJsonTest {
    private final String token = TestUsers.token(TestUsers.newId());

    @Test
    void putMe_trailingDataAfterTheObject_is400() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"A\"} {}", "application/json")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("status", equalTo(400));
    }

    @Test
    void putMe_duplicateKey_is400() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"A\",\"displayName\":\"B\"}", "application/json")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("displayName"));
    }

    @Test
    void putMe_numberOrBooleanWhereAStringIsExpected_is400NamingTheField() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":42}", "application/json")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("displayName"));
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":false}", "application/json")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("displayName"));
        putMe("{\"handle\":12345,\"displayName\":\"A\"}", "application/json")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("detail", containsString("handle"));
    }

    @Test
    void putMe_withoutContentType_orAsText_is415Problem() {
        String body = "{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"A\"}";
        given().auth().oauth2(token).body(body.getBytes()).put("/v1/users/me")
                .then().statusCode(415).contentType(Problem.MEDIA_TYPE).body("status", equalTo(415));
        putMe(body, "text/plain").then().statusCode(415).contentType(Problem.MEDIA_TYPE);
    }

    private Response putMe(String body, String contentType) {
        return given().auth().oauth2(token).contentType(contentType).body(body).put("/v1/users/me");
    }
}
