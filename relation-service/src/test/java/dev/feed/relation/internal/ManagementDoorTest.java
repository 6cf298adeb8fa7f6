package dev.feed.relation.internal;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.feed.relation.Management;
import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The operator doors: {@code /internal/}, health and metrics on the management port only; the public
 * API port answers 404 problem+json for them, even with the right token.
 */
@QuarkusTest
class ManagementDoorTest {
    private static final List<Function<RequestSpecification, Response>> INTERNAL_CALLS = List.of(
            r -> r.get("/internal/v1/users/1/followees"),
            r -> r.get("/internal/v1/authors/1/tier"),
            r -> r.get("/internal/v1/authors/1/follower-ids"),
            r -> r.get("/internal/v1/users/1/hidden-authors"),
            r -> r.contentType(ContentType.JSON).body("{\"ids\":[\"1\"]}").post("/internal/v1/users/lookup"),
            r -> r.post("/internal/v1/tiers/reevaluate"));

    @Test
    void internalApi_onThePublicPort_is404ProblemJson_evenWithTheToken() {
        for (Function<RequestSpecification, Response> call : INTERNAL_CALLS) {
            call.apply(given().header("X-Internal-Token", INTERNAL_TOKEN)).then().statusCode(404)
                    .contentType("application/problem+json").body("status", equalTo(404)).body("title", equalTo("Not found"));
        }
    }

    @Test
    void internalApi_onThePublicPort_spelledAnotherWay_is404() {
        // Paths the router normalizes to /internal/...: the door checks the normalized path.
        for (String path : List.of("//internal/v1/users/1/followees", "/%69nternal/v1/users/1/followees",
                "/v1/../internal/v1/users/1/followees", "/internal/./v1/users/1/followees")) {
            given().urlEncodingEnabled(false).header("X-Internal-Token", INTERNAL_TOKEN).get(path)
                    .then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void internalApi_onTheManagementPort_isServed_bodiesToo() {
        long user = TestUsers.newUser();
        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/" + user + "/followees")
                .then().statusCode(200).body("push", org.hamcrest.Matchers.empty());
        // A request body arrives through the management interface (which has read it) intact.
        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).contentType(ContentType.JSON)
                .body("{\"ids\":[\"" + user + "\"]}").post("/internal/v1/users/lookup")
                .then().statusCode(200).body("items[0].id", equalTo(Long.toString(user)));
        // Bad input there is still the resource's problem document, and the token is still checked.
        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/abc/followees")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("'abc'"));
        Management.given().get("/internal/v1/users/1/followees").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void healthAndMetrics_onThePublicPort_are404_onTheManagementPortServed() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        Management.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }

    @Test
    void publicApi_onTheManagementPort_isNotServed() {
        long me = TestUsers.newUser();
        given().auth().oauth2(TestUsers.token(me)).get("/v1/users/" + me).then().statusCode(200);
        Management.given().auth().oauth2(TestUsers.token(me)).get("/v1/users/" + me).then().statusCode(not(equalTo(200)));
    }
}
