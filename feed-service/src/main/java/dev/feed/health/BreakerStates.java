package dev.feed.health;

import dev.feed.relation.GuardedRelation;
import dev.feed.timeline.RedisOrCassandra;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every circuit breaker's state in the readiness data ({@code /q/health/ready}), and readiness
 * stays UP whatever they say, on purpose: each breaker guards a dependency every replica shares
 * (relation-service, Redis), so an open one means all replicas see the same outage, and taking them
 * out of the load balancer would turn degraded reads into no reads at all. The stores' own health
 * checks (Cassandra, Redis, Kafka) keep deciding readiness as before. The states are also metrics
 * ({@code ft_circuitbreaker_state_current}).
 */
@Readiness
@ApplicationScoped
public class BreakerStates implements HealthCheck {
    static final List<String> BREAKERS = List.of(GuardedRelation.FOLLOWEES, GuardedRelation.HIDDEN_AUTHORS, GuardedRelation.LOOKUP,
            RedisOrCassandra.REDIS_BREAKER);

    private final CircuitBreakerMaintenance breakers;

    public BreakerStates(CircuitBreakerMaintenance breakers) {
        this.breakers = breakers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("circuit-breakers").up();
        for (String name : BREAKERS) {
            String state;
            try {
                state = breakers.currentState(name).name();
            } catch (IllegalArgumentException notYetBuilt) {
                state = "CLOSED"; // a programmatic breaker is registered when its first guard is built
            }
            response.withData(name, state);
        }
        return response.build();
    }
}
