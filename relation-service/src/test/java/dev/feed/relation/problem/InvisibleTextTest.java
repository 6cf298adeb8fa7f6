package dev.feed.relation.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names PostgreSQL cannot store, or that show nothing to a reader, are a 400, never a 500 or a blank name. */
@QuarkusTest
class InvisibleTextTest {
    /** JSON escapes, so the body itself is plain ASCII and the server decodes the characters. */
    @ParameterizedTest
    @ValueSource(strings = {"\\u200b\\u200b", "\\u00a0", "\\ufeff", "\\u200d", "\\u3164\\u3164", "\\u115f", "\\u2800",
            "\\u0001", "\\u202e", "\\u00ad"})
    void putMe_displayNameBlankToAReader_is400(String escaped) {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"" + escaped + "\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("displayName"));
    }

    @Test
    void putMe_nulInDisplayName_is400NotA500() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"Ada\\u0000L\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("NUL"));
    }

    @Test
    void putMe_loneSurrogateOrControlInDisplayName_is400() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"Ada \\ud800\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("surrogate"));
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"Ada\\nLovelace\"}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("control"));
    }

    @Test
    void putMe_visibleNameWithEmojiAndNonLatinScript_isStoredStripped() {
        putMe("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\" \\u00c9milie \\u738b \\ud83d\\ude00 \"}")
                .then().statusCode(200).body("displayName", equalTo("\u00c9milie \u738b \uD83D\uDE00"));
    }

    @Test
    void byHandle_withNul_is400NotA500_impossibleHandle_is404() {
        String token = TestUsers.token(TestUsers.newId());
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/users/by-handle/ada%00x").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("detail", containsString("NUL"));
        given().auth().oauth2(token).urlEncodingEnabled(false).get("/v1/users/by-handle/%ED%A0%80").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE); // invalid UTF-8 (an encoded surrogate) decodes to U+FFFD: no such handle
        given().auth().oauth2(token).get("/v1/users/by-handle/No Such Handle!").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE);
    }

    private static Response putMe(String body) {
        return given().auth().oauth2(TestUsers.token(TestUsers.newId())).contentType("application/json").body(body).put("/v1/users/me");
    }
}
