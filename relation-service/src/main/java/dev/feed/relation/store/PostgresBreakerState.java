package dev.feed.relation.store;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The {@value PostgresBreaker#NAME} breaker's state in the readiness data ({@code /q/health/ready}),
 * and readiness stays UP whatever it says, on purpose (as feed-service's and fanout-worker's): the
 * breaker guards the PostgreSQL every replica shares, so taking this replica out of the load balancer
 * would only move the same 503s to the next one. The reactive pool's own check still makes
 * readiness DOWN while PostgreSQL is unreachable.
 */
@Readiness
@ApplicationScoped
public class PostgresBreakerState implements HealthCheck {
    private final CircuitBreakerMaintenance breakers;

    public PostgresBreakerState(CircuitBreakerMaintenance breakers) {
        this.breakers = breakers; // the breaker exists from startup (PostgresBreaker is @Startup)
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("circuit-breakers").up()
                .withData(PostgresBreaker.NAME, breakers.currentState(PostgresBreaker.NAME).name())
                .build();
    }
}
