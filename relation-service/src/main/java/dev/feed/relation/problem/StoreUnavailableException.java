package dev.feed.relation.problem;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Set;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * PostgreSQL could not answer in time, or at all: 503 problem+json with Retry-After, never a 500 or a
 * request left hanging. {@link #causedBy} tells such a failure from a bug: a statement cancelled by
 * {@code statement_timeout} (57014), a lock not granted, the server shutting down or refusing
 * connections, a connection lost, or the PostgreSQL breaker open
 * ({@code dev.feed.relation.store.PostgresBreaker}).
 */
public class StoreUnavailableException extends ProblemException {
    /** What the caller is told to wait: about the breaker's open delay, long enough for a lock to clear. */
    public static final int RETRY_AFTER_SECONDS = 5;
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57014", "55P03", "57P01", "57P02", "57P03", "53300");

    public StoreUnavailableException(String detail) {
        super(503, "unavailable", "Service unavailable", detail);
    }

    /** True if anything in the cause chain says PostgreSQL was slow or away rather than the request wrong. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException || t instanceof CircuitBreakerOpenException || t instanceof ConnectException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            String state = sqlState(t);
            if (state != null && (UNAVAILABLE_STATES.contains(state) || state.startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE of the Vert.x client's error, or of the JDBC exception Hibernate Reactive wraps it in. */
    private static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /** The 503 for a failure {@link #causedBy} recognised: says whether a statement timed out or the breaker refused. */
    public static StoreUnavailableException of(Throwable failure) {
        if (failure instanceof StoreUnavailableException known) {
            return known;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CircuitBreakerOpenException) {
                return new StoreUnavailableException("the PostgreSQL breaker is open after repeated timeouts: not asked;"
                        + " retry after " + RETRY_AFTER_SECONDS + " s");
            }
            if ("57014".equals(sqlState(t))) {
                return new StoreUnavailableException("a PostgreSQL statement ran past its timeout (FEED_PG_STATEMENT_TIMEOUT);"
                        + " retry after " + RETRY_AFTER_SECONDS + " s");
            }
        }
        return new StoreUnavailableException("PostgreSQL is unavailable; retry after " + RETRY_AFTER_SECONDS + " s");
    }
}
