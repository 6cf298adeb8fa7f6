package dev.feed.relation.event;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the relay's state but is always UP: the API must keep serving while Kafka is down
 * (events wait in PostgreSQL), so Kafka must not take this instance out of the load balancer.
 */
@Readiness
@ApplicationScoped
public class RelayHealth implements HealthCheck {
    private final Relay relay;

    public RelayHealth(Relay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("relation event relay").up()
                .withData("kafka", relay.failing() ? "unreachable: " + relay.lastError() : "ok")
                .withData("lastPublishedAt", String.valueOf(relay.lastPublishedAt()))
                .build();
    }
}
