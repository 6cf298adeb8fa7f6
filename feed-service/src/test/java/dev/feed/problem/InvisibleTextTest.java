package dev.feed.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text a store or encoder cannot take, or that shows nothing to a reader, is a 400, never a 500 or a blank post. */
@QuarkusTest
class InvisibleTextTest {
    private final FakeRelation relation = new FakeRelation();
    private long author;
    private String token;

    @BeforeEach
    void setUp() {
        QuarkusMock.installMockForType(relation.client(), RelationClient.class, RestClient.LITERAL);
        author = Tokens.newUserId();
        token = Tokens.token(author);
        relation.profile(author, "ada", "Ada Lovelace");
    }

    /** JSON escapes, so the body itself is plain ASCII and the server decodes the characters. */
    @ParameterizedTest
    @ValueSource(strings = {
            "\\u200b", // zero-width space
            "\\u00a0\\u00a0", // no-break spaces
            "\\ufeff", // byte order mark
            "\\u200d\\u2060", // zero-width joiner, word joiner
            "\\u3164", // Hangul filler
            "\\u2800", // braille blank
            "\\u0007\\u0008", // control characters
            " \\n\\t ", // plain whitespace with line breaks
            "\\ufe0f", // a lone variation selector
    })
    void publish_textBlankToAReader_is400(String escaped) {
        publish("{\"text\":\"" + escaped + "\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("text"));
    }

    @Test
    void publish_nulInText_is400NotA500() {
        publish("{\"text\":\"hi\\u0000there\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("NUL"));
    }

    @Test
    void publish_loneSurrogateInText_is400NotA500() {
        publish("{\"text\":\"hi \\ud800 there\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("surrogate"));
        publish("{\"text\":\"\\udc00\"}").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void publish_visibleTextWithLineBreaksAndJoinedEmoji_isAccepted() {
        publish("{\"text\":\"line one\\nline two \\ud83d\\udc68\\u200d\\ud83d\\udc69\\u200d\\ud83d\\udc67\"}").then().statusCode(201)
                .body("text", equalTo("line one\nline two \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"));
    }

    private Response publish(String body) {
        return given().auth().oauth2(token).contentType("application/json").body(body).post("/v1/posts");
    }
}
