package dev.feed.relation.internal;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.feed.relation.Management;
import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

    /**
     * As the JDK's client asks by default: HTTP/2 over cleartext (h2c), where the management interface
     * has read the body to its end before the main router's JAX-RS handler pauses the request.
     */
    @Test
    void internalPost_overHttp2_onTheManagementPort_isServed() throws Exception {
        long user = TestUsers.newUser();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://localhost:" + Management.port();
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/users/" + user + "/followees"))
                .header("X-Internal-Token", INTERNAL_TOKEN).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        HttpResponse<String> lookup = http.send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/users/lookup"))
                .header("X-Internal-Token", INTERNAL_TOKEN).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ids\":[\"" + user + "\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lookup.version()).as("the connection was upgraded to HTTP/2").isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(lookup.statusCode()).as(lookup.body()).isEqualTo(200);
        assertThat(lookup.body()).contains("\"id\":\"" + user + "\"");
        // No body at all: the resource's own 400 problem, not the HTTP layer's 500.
        HttpResponse<String> empty = http.send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/users/lookup"))
                .header("X-Internal-Token", INTERNAL_TOKEN).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
        assertThat(empty.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/users/lookup"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ids\":[\"1\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(401);
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
