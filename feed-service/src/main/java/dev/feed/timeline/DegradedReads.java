package dev.feed.timeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts reads served degraded, by the dependency that was missing: {@code feed.degraded.reads}
 * with {@code reason=relation} (last known followees, relation-service unreachable) or
 * {@code reason=redis} (built from Cassandra alone, Redis unreachable or its breaker open: a home
 * timeline page, one author's posts, a marker's unread count, a stream's replay page).
 * A page degraded for both counts once under each.
 */
@ApplicationScoped
public class DegradedReads {
    public static final String METER = "feed.degraded.reads";

    private final Counter relation;
    private final Counter redis;

    public DegradedReads(MeterRegistry registry) {
        this.relation = counter(registry, "relation", "relation-service unreachable: the reader's last known followees");
        this.redis = counter(registry, "redis", "Redis unreachable: read from Cassandra alone, behind a bulkhead");
    }

    private static Counter counter(MeterRegistry registry, String reason, String description) {
        return Counter.builder(METER).tag("reason", reason).description("Reads served degraded; " + description).register(registry);
    }

    void relation() {
        relation.increment();
    }

    void redis() {
        redis.increment();
    }
}
