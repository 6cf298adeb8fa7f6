package dev.feed.fanout.admin;

import static dev.feed.fanout.support.Fixtures.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.fanout.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator doors: {@code /admin/}, health and metrics on the management port only, {@code /admin/}
 * behind the internal token; the public port answers 404 problem+json for them, even with the token.
 */
@QuarkusTest
class ManagementDoorTest {
    @Test
    void admin_onThePublicPort_is404ProblemJson_evenWithTheToken() {
        for (String path : List.of("/admin/fanout/1", "//admin/fanout/1", "/%61dmin/fanout/1", "/q/../admin/fanout/1")) {
            given().urlEncodingEnabled(false).header("X-Internal-Token", Management.TOKEN).get(path).then().statusCode(404)
                    .contentType("application/problem+json").body("status", equalTo(404))
                    // the door's answer, not the resource's "no fanout recorded" for an unknown post
                    .body("detail", equalTo("no resource at this path"));
        }
    }

    @Test
    void admin_onTheManagementPort_wantsTheToken() {
        Management.given().get("/admin/fanout/1").then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("X-Internal-Token"));
        Management.given().header("X-Internal-Token", "guess").get("/admin/fanout/1").then().statusCode(401);
        Management.admin().get("/admin/fanout/{id}", newId()).then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("no fanout recorded"));
        // A body arrives through the door intact (HTTP/1.1 here; HTTP/2 in the next test).
        Management.admin().contentType("text/plain").body("over http/1.1").post("/admin/test/echo").then().statusCode(200)
                .body(equalTo("echo:over http/1.1"));
    }

    /**
     * As the JDK's client asks by default: HTTP/2 over cleartext (h2c), where the management interface
     * has read the body to its end before the main router's JAX-RS handler pauses the request. The
     * endpoint is the test's own {@link EchoAdminResource}: the worker's /admin/ takes no body yet.
     */
    @Test
    void adminPost_overHttp2_onTheManagementPort_isServed() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://localhost:" + Management.port();
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/fanout/" + newId()))
                .header("X-Internal-Token", Management.TOKEN).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(404);
        assertThat(read.body()).contains("no fanout recorded");
        for (String body : List.of("", "hello")) {
            HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/test/echo"))
                    .header("X-Internal-Token", Management.TOKEN).header("Content-Type", "text/plain").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.version()).as("the connection was upgraded to HTTP/2").isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo("echo:" + body);
        }
        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/test/echo"))
                .header("Content-Type", "text/plain").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(401);
    }

    @Test
    void healthAndMetrics_onThePublicPort_are404_onTheManagementPortServed() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        Management.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().get("/q/metrics").then().statusCode(200).body(containsString("feed_fanout_deliveries_total"));
    }
}
