package dev.feed.relation.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Authenticated answers are not to be stored by any cache, nor content-sniffed. */
@QuarkusTest
class ResponseHeadersTest {
    @Test
    void authenticatedAnswers_areNoStoreAndNosniff_errorsToo() {
        long me = TestUsers.newUser();
        String token = TestUsers.token(me);
        given().auth().oauth2(token).get("/v1/users/" + me).then().statusCode(200)
                .header("Cache-Control", equalTo("private, no-store"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        given().auth().oauth2(token).get("/v1/users/9223372036854775807").then().statusCode(404)
                .header("Cache-Control", equalTo("private, no-store"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
    }

    @Test
    void anonymousAnswers_areNosniff_withoutPrivateCaching() {
        given().get("/q/openapi").then().statusCode(200)
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Cache-Control", not(equalTo("private, no-store")));
    }
}
