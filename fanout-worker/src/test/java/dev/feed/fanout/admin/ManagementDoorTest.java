package dev.feed.fanout.admin;

import static dev.feed.fanout.support.Fixtures.newId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.fanout.support.Management;
import io.quarkus.test.junit.QuarkusTest;
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
