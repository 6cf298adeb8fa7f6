package dev.feed.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The operator doors: {@code /admin/}, health and metrics on the management port only; the public
 * API port answers 404 problem+json for them, even with the right token.
 */
@QuarkusTest
class ManagementDoorTest {
    @ConfigProperty(name = "feed.internal.token")
    String token;

    @Test
    void admin_onThePublicPort_is404ProblemJson_evenWithTheToken() {
        given().header("X-Internal-Token", token).get("/admin/hot/authors/1").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404)).body("title", equalTo("Not found"));
        given().header("X-Internal-Token", token).post("/admin/hot/patrol").then().statusCode(404)
                .contentType("application/problem+json");
        for (String path : List.of("//admin/hot/authors/1", "/%61dmin/hot/authors/1", "/v1/../admin/hot/authors/1")) {
            given().urlEncodingEnabled(false).header("X-Internal-Token", token).get(path).then().statusCode(404)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void admin_onTheManagementPort_isServed_withTheToken() {
        Management.given().header("X-Internal-Token", token).get("/admin/hot/authors/1").then().statusCode(200)
                .body("authorId", equalTo("1"));
        Management.given().header("X-Internal-Token", token).get("/admin/hot/authors/x").then().statusCode(400)
                .contentType("application/problem+json");
        Management.given().get("/admin/hot/authors/1").then().statusCode(401).contentType("application/problem+json");
        Management.given().header("X-Internal-Token", "guess").post("/admin/hot/patrol").then().statusCode(401);
        // As curl or a Java client sends it: a JSON content type with an empty body.
        Management.given().header("X-Internal-Token", token).contentType("application/json").body("").post("/admin/hot/patrol")
                .then().statusCode(200);
    }

    @Test
    void healthAndMetrics_onThePublicPort_are404_onTheManagementPortServed() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        Management.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }

    @Test
    void openApi_staysOnThePublicPort() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/timeline"));
    }
}
