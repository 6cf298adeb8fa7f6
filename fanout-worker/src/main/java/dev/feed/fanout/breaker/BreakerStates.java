package dev.feed.fanout.breaker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The breakers' states in the readiness data ({@code /q/health/ready}), and readiness stays UP
 * whatever they say, on purpose (as feed-service's): each guards a dependency every replica shares,
 * so an open one means every replica sees the same outage, and a worker taken out of service would
 * not work off its backlog any sooner when the dependency returns. Kafka's own check keeps deciding
 * readiness. The states are also the metric {@code feed_fanout_breaker_state{breaker}}.
 */
@Readiness
@ApplicationScoped
public class BreakerStates implements HealthCheck {
    private final Breakers breakers;

    public BreakerStates(Breakers breakers) {
        this.breakers = breakers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("circuit-breakers").up();
        for (String name : Breakers.ALL) {
            response.withData(name, breakers.state(name).name());
        }
        return response.build();
    }
}
