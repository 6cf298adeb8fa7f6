package dev.feed.relation;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health is on the management interface (its own port); the public port answers 404 for it (ManagementDoorTest). */
@QuarkusTest
class HealthTest {
    @Test
    void ready_checksPostgres_andReportsTheRelayAndThePostgresBreaker() {
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check", "relation event relay", "circuit-breakers"))
                .body("checks.find { it.name == 'circuit-breakers' }.data.'relation-postgres'", equalTo("CLOSED"));
    }

    @Test
    void live_isUp() {
        Management.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
