package dev.feed.problem;

import static io.restassured.RestAssured.given;

import dev.feed.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token authenticates only with this service's audience, an issue time within the maximum age,
 * and a subject that is a user id in canonical form. Deleting an unknown post is the probe: 404
 * for an accepted caller, 401 for a refused one.
 */
@QuarkusTest
class JwtClaimsTest {
    private static final String UNKNOWN_POST = "/v1/posts/9223372036854775807";

    @Test
    void tokenWithTheAudience_isAccepted() {
        given().auth().oauth2(Tokens.token(Tokens.newUserId())).delete(UNKNOWN_POST).then().statusCode(404);
    }

    @Test
    void tokenForAnotherAudience_orWithoutOne_is401() {
        String sub = Long.toString(Tokens.newUserId());
        given().auth().oauth2(Jwt.issuer("https://feed.local").subject(sub).audience("other-app").sign())
                .delete(UNKNOWN_POST).then().statusCode(401).contentType(Problem.MEDIA_TYPE);
        // The test profile adds the audience to every token built without one (smallrye.jwt.new-token.audience),
        // so a token with none at all is signed by hand here, with the test key.
        long now = Instant.now().getEpochSecond();
        given().auth().oauth2(signedByHand("{\"iss\":\"https://feed.local\",\"sub\":\"" + sub + "\",\"iat\":" + now
                        + ",\"exp\":" + (now + 600) + "}"))
                .delete(UNKNOWN_POST).then().statusCode(401);
        given().auth().oauth2(signedByHand("{\"iss\":\"https://feed.local\",\"aud\":\"feed\",\"sub\":\"" + sub + "\",\"iat\":" + now
                        + ",\"exp\":" + (now + 600) + "}"))
                .delete(UNKNOWN_POST).then().statusCode(404); // the same token with the audience: accepted
    }

    @Test
    void tokenIssuedLongerAgoThanTheMaximumAge_is401EvenBeforeItExpires() {
        long now = Instant.now().getEpochSecond();
        String old = Jwt.issuer("https://feed.local").subject(Long.toString(Tokens.newUserId()))
                .issuedAt(now - 2 * 86_400).expiresAt(now + 3_600).sign();
        given().auth().oauth2(old).delete(UNKNOWN_POST).then().statusCode(401).contentType(Problem.MEDIA_TYPE);
    }

    /** RS256 over the claims as given, with the test key: the token builder would add the configured audience. */
    static String signedByHand(String claims) {
        try {
            String pem = Files.readString(Path.of("src/test/resources/test-jwt-private.pem"));
            byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String input = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1001", "01001", "0", "-1001", "1001.0", " 1001", "alice", "99999999999999999999"})
    void subjectNotACanonicalPositiveId_is401(String sub) {
        given().auth().oauth2(Jwt.issuer("https://feed.local").subject(sub).sign())
                .delete(UNKNOWN_POST).then().statusCode(401).contentType(Problem.MEDIA_TYPE);
    }
}
