package dev.feed.relation.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * The PostgreSQL breaker of the internal reads ({@link PostgresBreaker}). The statement timeout
 * itself is the connection's {@code statement_timeout} (FEED_PG_STATEMENT_TIMEOUT, default 5s, in
 * application.properties), which PostgreSQL enforces on every statement of this service.
 */
@ConfigMapping(prefix = "feed.pg.breaker")
public interface PostgresConfig {
    /** Calls the breaker looks back on (FEED_PG_BREAKER_VOLUME). Default: 20. */
    @WithDefault("20")
    @Min(1)
    int volume();

    /** Share of those calls that must have failed for it to open (FEED_PG_BREAKER_FAILURE_RATIO). Default: 0.5. */
    @WithDefault("0.5")
    @Min(0)
    @Max(1)
    double failureRatio();

    /** How long it stays open before letting calls try again (FEED_PG_BREAKER_DELAY). Default: PT5S. */
    @WithDefault("PT5S")
    Duration delay();
}
