package dev.feed.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

    /**
     * As the JDK's client asks by default: HTTP/2 over cleartext (h2c), where the management interface
     * has read the body to its end before the main router's JAX-RS handler pauses the request.
     */
    @Test
    void adminPost_overHttp2_onTheManagementPort_isServed() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://localhost:" + Management.port();
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/hot/authors/1"))
                .header("X-Internal-Token", token).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        for (HttpRequest.BodyPublisher body : List.of(HttpRequest.BodyPublishers.ofString(""), HttpRequest.BodyPublishers.ofString("{}"))) {
            HttpResponse<String> patrol = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/hot/patrol"))
                    .header("X-Internal-Token", token).header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(body).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(patrol.version()).as("the connection was upgraded to HTTP/2").isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(patrol.statusCode()).as(patrol.body()).isEqualTo(200);
            assertThat(patrol.body()).contains("\"mismatches\"");
        }
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/hot/patrol"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(401);
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
