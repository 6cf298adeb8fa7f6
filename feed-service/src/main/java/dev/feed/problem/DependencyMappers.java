package dev.feed.problem;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import dev.feed.redis.RedisUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A store that is down, or a guard that cut a call off, answers 503 problem+json with
 * {@code Retry-After}, never a 500: publish needs Cassandra (durability first), so without it a
 * publish is refused, to be retried (DESIGN "When a dependency fails"). Counted on
 * {@code feed.unavailable{dependency}} (cassandra, redis, guard: an open breaker or a full bulkhead).
 */
public class DependencyMappers {
    private static final Logger LOG = Logger.getLogger(DependencyMappers.class);
    /** A node coming back (a restart, a GC storm) takes seconds, not one: ask clients not to hammer it. */
    static final int CASSANDRA_RETRY_AFTER_SECONDS = 5;
    static final int GUARD_RETRY_AFTER_SECONDS = 2;

    private final MeterRegistry registry;

    public DependencyMappers(MeterRegistry registry) {
        this.registry = registry;
    }

    @ServerExceptionMapper({AllNodesFailedException.class, DriverTimeoutException.class, UnavailableException.class,
            QueryConsistencyException.class, OverloadedException.class, BusyConnectionException.class, ClosedConnectionException.class})
    public Response cassandraDown(RuntimeException e) {
        return unavailable("cassandra", e, "the post store (Cassandra) is unreachable; retry shortly", CASSANDRA_RETRY_AFTER_SECONDS);
    }

    @ServerExceptionMapper
    public Response redisDown(RedisUnavailableException e) {
        return unavailable("redis", e, "the cache (Redis) is unreachable; retry shortly", 1);
    }

    @ServerExceptionMapper
    public Response guarded(FaultToleranceException e) {
        String detail = e instanceof BulkheadException
                ? "too many reads are being served the degraded way right now; retry shortly"
                : "a backing service is failing and calls to it are paused; retry shortly";
        return unavailable("guard", e, detail, GUARD_RETRY_AFTER_SECONDS);
    }

    private Response unavailable(String dependency, RuntimeException e, String detail, int retryAfterSeconds) {
        LOG.warnf("dependency unavailable (%s): %s", dependency, e.toString());
        registry.counter("feed.unavailable", "dependency", dependency).increment();
        return Response.fromResponse(Problem.of(503, "unavailable", "Service Unavailable", detail).toResponse())
                .header("Retry-After", retryAfterSeconds).build();
    }
}
