package dev.feed.relation.follow;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One graph change in its own transaction, retried when PostgreSQL picked it as a deadlock or
 * serialization victim (nothing of it was committed). The same rule as FollowResource's, shared
 * with the block and mute endpoints.
 */
public final class Transactions {
    private Transactions() {
    }

    /** Runs {@code change} in a transaction (retried up to 5 times on 40P01 / 40001); its item says whether anything changed. */
    public static Uni<Boolean> retrying(Supplier<Uni<Boolean>> change) {
        return Uni.createFrom().deferred(() -> Panache.withTransaction(change))
                .onFailure(Transactions::isRetryable).retry()
                .withBackOff(Duration.ofMillis(5), Duration.ofMillis(100)).atMost(5);
    }

    private static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }
}
