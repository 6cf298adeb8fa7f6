package dev.feed.problem;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.RawHttp;
import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Header;
import io.restassured.http.Headers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/** Errors the HTTP layer answers before any resource runs leave as problem documents too. */
@QuarkusTest
class FrameworkErrorsTest {
    private final String token = Tokens.token(Tokens.newUserId());

    @Test
    void unknownPath_is404Problem() {
        given().auth().oauth2(token).get("/v1/no-such-thing").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("status", equalTo(404));
        given().get("/nothing/here").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void wrongMethod_is405Problem() {
        given().auth().oauth2(token).contentType("application/json").body("{}").patch("/v1/posts")
                .then().statusCode(405).contentType(Problem.MEDIA_TYPE).body("status", equalTo(405));
    }

    @Test
    void requestTargetOverTheLimit_is414Problem() {
        given().auth().oauth2(token).get("/v1/posts/1?pad=" + "a".repeat(5000)).then().statusCode(414)
                .contentType(Problem.MEDIA_TYPE).body("status", equalTo(414));
    }

    @Test
    void headersOverTheLimit_is431Problem() {
        List<Header> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(new Header("X-Pad-" + i, String.join("", Collections.nCopies(1000, "h"))));
        }
        given().auth().oauth2(token).headers(new Headers(many)).get("/v1/posts/1").then().statusCode(431)
                .contentType(Problem.MEDIA_TYPE).body("status", equalTo(431));
    }

    @Test
    void chunkedBodyOverTheLimit_is413Problem() throws IOException {
        // No Content-Length, so BodyLimitFilter cannot refuse it up front: the HTTP layer cuts it off in flight.
        RawHttp.Answer answer = RawHttp.chunkedPost("/v1/posts", token, 64 * 1024);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("content-type")).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(answer.body()).contains("\"status\":413").contains("\"type\":\"https://");
    }

    @Test
    void chunkedBodyWithinTheLimit_isPublished() throws IOException {
        // the answer names the author: relation-service, faked, knows them
        QuarkusMock.installMockForType(new FakeRelation().client(), RelationClient.class, RestClient.LITERAL);
        String text = "sent chunked " + System.nanoTime();
        RawHttp.Answer answer = RawHttp.chunkedPost("/v1/posts", token, List.of("{\"text\":", "\"" + text + "\"", "}"));
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).contains(text);
    }
}
