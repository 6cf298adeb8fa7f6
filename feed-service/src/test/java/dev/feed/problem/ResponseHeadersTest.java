package dev.feed.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Location never comes from the request's Host; authenticated answers are not to be stored or sniffed. */
@QuarkusTest
class ResponseHeadersTest {
    private final FakeRelation relation = new FakeRelation();

    @BeforeEach
    void setUp() {
        QuarkusMock.installMockForType(relation.client(), RelationClient.class, RestClient.LITERAL);
    }

    @Test
    void publish_location_ignoresTheHostHeader() {
        long author = Tokens.newUserId();
        relation.profile(author, "ada", "Ada");
        given().auth().oauth2(Tokens.token(author)).header("Host", "evil.example").contentType("application/json")
                .body("{\"text\":\"hi\"}").post("/v1/posts")
                .then().statusCode(201)
                .header("Location", matchesPattern("^/v1/posts/[1-9][0-9]*$"));
    }

    @Test
    void authenticatedAnswers_areNoStoreAndNosniff_errorsToo() {
        long reader = Tokens.newUserId();
        relation.follows(reader, List.of(), List.of());
        String token = Tokens.token(reader);
        given().auth().oauth2(token).get("/v1/timeline").then().statusCode(200)
                .header("Cache-Control", equalTo("private, no-store"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        given().auth().oauth2(token).get("/v1/posts/9223372036854775807").then().statusCode(404)
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
