package dev.feed.relation.tier;

import dev.feed.relation.event.EventLog;
import dev.feed.relation.event.Relay;
import dev.feed.relation.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Re-evaluates every author's tier against the thresholds this instance runs with. A follow or
 * unfollow only re-evaluates the followee it touched, so after the thresholds change (an operator
 * moving {@code pull-at}, or a benchmark running pure push or pure pull) most authors keep the tier
 * the old thresholds gave them until this runs.
 *
 * <p>It walks {@code users} in id order, one transaction per batch of
 * {@link TierConfig#reevaluateBatchSize()}. Only the authors whose tier would change are locked
 * ({@code FOR UPDATE}) and judged again from the locked row, so a follow that moved a count in
 * between is respected, a follow arriving now waits for the batch (milliseconds), and a second run
 * (another replica, a retry) finds nothing left to change. Each move writes the same
 * {@code author.tier-changed} row a follow crossing a threshold writes, in the same transaction as
 * the move, so feed-service and fanout-worker react to it exactly as they do to a follow.
 */
@ApplicationScoped
public class TierReevaluator {
    private static final Logger LOG = Logger.getLogger(TierReevaluator.class);

    private final Pool pool;
    private final Tier tier;
    private final EventLog events;
    private final Relay relay;
    private final TierConfig config;
    private final Counter movedToPull;
    private final Counter movedToPush;
    private final AtomicBoolean running = new AtomicBoolean();

    public TierReevaluator(Pool pool, Tier tier, EventLog events, Relay relay, TierConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.tier = tier;
        this.events = events;
        this.relay = relay;
        this.config = config;
        this.movedToPull = Counter.builder("feed.tier.reevaluation.moves").tag("tier", Tier.PULL)
                .description("Authors moved by a tier re-evaluation, by new tier").register(registry);
        this.movedToPush = Counter.builder("feed.tier.reevaluation.moves").tag("tier", Tier.PUSH)
                .description("Authors moved by a tier re-evaluation, by new tier").register(registry);
    }

    /**
     * What one run did: the thresholds it applied, whether the band between them kept each
     * author's tier ({@code hysteresis}), users read, authors moved to each tier.
     */
    public record Result(long pullAt, long pushBelow, boolean hysteresis, long scanned, long toPull, long toPush, long tookMs) {
    }

    private record Batch(int scanned, int toPull, int toPush, Long last) {
    }

    // After SchemaMigrator's observer (default priority): the tables must exist.
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        if (!config.reevaluate()) {
            return;
        }
        // In the background: a large graph takes a while, and the API serves meanwhile (an author
        // not yet visited simply keeps its old tier a little longer).
        reevaluate(true).subscribe().with(
                r -> LOG.infof("tiers: re-evaluated %d users at startup against pull-at %d / push-below %d: %d moved to pull, %d to push in %d ms",
                        r.scanned(), r.pullAt(), r.pushBelow(), r.toPull(), r.toPush(), r.tookMs()),
                e -> LOG.error("tiers: re-evaluation at startup failed; run POST /internal/v1/tiers/reevaluate to retry", e));
    }

    /**
     * Re-evaluates every author. With {@code hysteresis} an author between push-below and pull-at
     * keeps its tier, as after a follow; without, it gets {@link Tier#fresh the tier of a freshly
     * seeded graph} (push), so the result depends on counts only.
     */
    public Uni<Result> reevaluate(boolean hysteresis) {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().failure(ProblemException.conflict("a tier re-evaluation is already running in this instance"));
        }
        long start = System.nanoTime();
        long[] totals = new long[3];
        long[] after = {0L};
        // A repeating stream rather than a recursive chain: a graph of millions of users is
        // thousands of batches, and nested completions that deep would exhaust the stack.
        return Multi.createBy().repeating()
                .uni(() -> Uni.createFrom().deferred(() -> batch(after[0], hysteresis))
                        // A deadlock victim committed nothing: the same batch again is safe.
                        .onFailure(TierReevaluator::isRetryable).retry().withBackOff(Duration.ofMillis(5), Duration.ofMillis(100)).atMost(5)
                        .invoke(b -> {
                            if (b.last() != null) {
                                after[0] = b.last();
                            }
                        }))
                .whilst(b -> b.last() != null)
                .onItem().invoke(b -> {
                    totals[0] += b.scanned();
                    totals[1] += b.toPull();
                    totals[2] += b.toPush();
                    if (b.toPull() + b.toPush() > 0) {
                        movedToPull.increment(b.toPull());
                        movedToPush.increment(b.toPush());
                        relay.nudge();
                    }
                })
                .collect().last()
                .map(last -> new Result(tier.pullAt(), tier.pushBelow(), hysteresis, totals[0], totals[1], totals[2],
                        Duration.ofNanos(System.nanoTime() - start).toMillis()))
                .eventually(() -> running.set(false));
    }

    private Uni<Batch> batch(long afterId, boolean hysteresis) {
        int size = config.reevaluateBatchSize();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT id, tier, follower_count FROM users WHERE id > $1 ORDER BY id LIMIT $2")
                .execute(Tuple.of(afterId, size))
                .chain(rows -> {
                    List<Long> candidates = new ArrayList<>();
                    long last = afterId;
                    for (Row row : rows) {
                        last = row.getLong(0);
                        String was = row.getString(1);
                        if (!target(was, row.getLong(2), hysteresis).equals(was)) {
                            candidates.add(row.getLong(0));
                        }
                    }
                    int scanned = rows.size();
                    Long next = scanned < size ? null : last;
                    if (candidates.isEmpty()) {
                        return Uni.createFrom().item(new Batch(scanned, 0, 0, next));
                    }
                    // Ascending id, the order follows lock users in, so the two cannot deadlock.
                    return conn.preparedQuery("SELECT id, tier, follower_count FROM users WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                            .execute(Tuple.of(candidates.toArray(new Long[0])))
                            .chain(locked -> move(conn, locked, hysteresis, scanned, next));
                }));
    }

    private Uni<Batch> move(SqlConnection conn, RowSet<Row> locked, boolean hysteresis, int scanned, Long next) {
        List<Tuple> updates = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        int toPull = 0;
        int toPush = 0;
        for (Row row : locked) {
            long id = row.getLong(0);
            String was = row.getString(1);
            long followers = row.getLong(2);
            String now = target(was, followers, hysteresis);
            if (now.equals(was)) {
                continue; // a follow moved it meanwhile, or another run got here first
            }
            updates.add(Tuple.of(id, now));
            EventLog.Row event = events.tierChangedRow(id, now, followers);
            rows.add(Tuple.of(UUID.fromString(event.eventId()), event.type(), event.key(), event.payload()));
            if (Tier.PULL.equals(now)) {
                toPull++;
            } else {
                toPush++;
            }
        }
        if (updates.isEmpty()) {
            return Uni.createFrom().item(new Batch(scanned, 0, 0, next));
        }
        Batch done = new Batch(scanned, toPull, toPush, next);
        return conn.preparedQuery("UPDATE users SET tier = $2 WHERE id = $1").executeBatch(updates)
                // Casts through text, as EventLog does: the payload is stored as a JSON object, not a JSON string.
                .chain(() -> conn.preparedQuery("""
                                INSERT INTO relation_events (event_id, type, partition_key, payload)
                                VALUES ($1, $2, $3, CAST(CAST($4 AS text) AS jsonb))""")
                        .executeBatch(rows))
                .replaceWith(done);
    }

    private String target(String was, long followers, boolean hysteresis) {
        return hysteresis ? tier.next(was, followers) : tier.fresh(followers);
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
