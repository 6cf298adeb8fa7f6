package dev.feed.publish;

import dev.feed.events.PostEvent;
import dev.feed.post.PendingFanout;
import dev.feed.post.PostStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Finishes fanouts whose dispatch did not complete at publish time (Kafka or Redis down, or the
 * instance died after the durable write): reads the pending-fanout records and dispatches again
 * whatever is older than the grace period. At-least-once: a record dispatched twice makes a
 * duplicate Kafka event, which the worker's idempotent writes absorb.
 *
 * <p><b>Buckets and checkpoints.</b> A record lives in the 10-second bucket of its write time, one
 * partition per bucket and shard ({@code pending_fanouts_by_bucket}). Per shard, a durable
 * checkpoint names the first bucket not yet shown to be drained; a pass reads the buckets from the
 * checkpoint forward, in time order, up to the bucket holding "now minus the grace". So a pass
 * reads only recent partitions, each holding ten seconds of records and of their deletes
 * (tombstones), never a shard's whole history: the earlier one-partition-per-shard scan read every
 * tombstone of the last hour and, at a few hundred posts/s, hit Cassandra's tombstone limits. A
 * bucket is drained when every record in it was dispatched and acknowledged; the first bucket that
 * is not (Kafka down, a budget ran out) stops the shard's pass, and the next pass starts there.
 *
 * <p><b>Late writes.</b> A record can land in a bucket the relay has already read: the writing
 * instance's clock lags the relay's (the bucket comes from the writer's clock), or the write
 * itself lands late (a driver retry, a logged batch replayed from the batchlog). So the durable
 * checkpoint never passes "newest bucket read minus the late window" ({@code
 * FEED_PENDING_RELAY_LATE_WINDOW}, 1 min): every pass reads the late window's buckets again (about
 * seven reads per shard, mostly of tombstones of the last minute), and a record whose write time is
 * behind the relay's clock by up to the late window plus the grace (70 s by default) is still
 * relayed. A writer further behind than that is outside what NTP-run hosts do, and Snowflake ids,
 * delete ordering and the id clock already assume better; such a record would stay unread.
 *
 * <p><b>Bounds.</b> One pass dispatches at most {@code FEED_PENDING_RELAY_MAX_PER_PASS} records and
 * reads at most {@code FEED_PENDING_RELAY_MAX_BUCKETS} buckets per shard; a backlog (Kafka down for
 * an hour) drains over several passes, logged with the relay's lag, the age of the oldest bucket
 * still holding records to relay ({@code feed_publish_relay_lag_seconds}).
 *
 * <p><b>Upgrade.</b> The V001 table {@code pending_fanout} is no longer written; records an earlier
 * version left there are still read and dispatched, every {@value #LEGACY_EVERY_PASSES}th pass.
 */
@ApplicationScoped
public class PendingFanoutRelay {
    private static final Logger LOG = Logger.getLogger(PendingFanoutRelay.class);
    private static final long BUCKET = PostStore.PENDING_BUCKET_MILLIS;
    /**
     * Where a shard never checkpointed starts: this far before its late window. A checkpoint is
     * written by the first pass of the first instance running this version, which runs at its
     * startup, before it serves a publish; the margin covers instances started side by side.
     */
    static final Duration FIRST_RUN_LOOKBACK = Duration.ofMinutes(10);
    private static final int LEGACY_EVERY_PASSES = 12;

    private final PostStore posts;
    private final PublishService publisher;
    private final PublishConfig publish;
    private final RelayConfig config;
    private final LongSupplier clockMillis;
    private final AtomicLong dispatchedLastPass = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private final AtomicInteger passes = new AtomicInteger();

    @Inject
    public PendingFanoutRelay(PostStore posts, PublishService publisher, PublishConfig publish, RelayConfig config, MeterRegistry metrics) {
        this(posts, publisher, publish, config, metrics, System::currentTimeMillis);
    }

    /** With a clock of its own: tests run a relay ahead of the writers' clocks. */
    public PendingFanoutRelay(PostStore posts, PublishService publisher, PublishConfig publish, RelayConfig config, MeterRegistry metrics,
            LongSupplier clockMillis) {
        this.posts = posts;
        this.publisher = publisher;
        this.publish = publish;
        this.config = config;
        this.clockMillis = clockMillis;
        metrics.gauge("feed_publish_pending_fanouts", dispatchedLastPass);
        metrics.gauge("feed_publish_relay_lag_seconds", lagMillis, l -> l.get() / 1000.0);
    }

    @Scheduled(every = "${feed.publish.relay-interval:PT5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return pass().replaceWithVoid();
    }

    /** One pass; returns how many pending fanouts it dispatched. */
    public Uni<Integer> relayOnce() {
        return pass().map(Pass::dispatched);
    }

    /**
     * What one pass did: records dispatched and acknowledged, dispatches that failed (left pending),
     * buckets read, the lag after it (0: nothing older than the grace is left), and per shard the
     * bucket it started at and the checkpoint it left.
     */
    public record Pass(int dispatched, int failed, int bucketsRead, long lagMillis, Map<Integer, Long> startedAt,
            Map<Integer, Long> checkpoints) {
    }

    /** One shard's part of a pass. */
    private record ShardPass(int shard, long from, long checkpoint, int dispatched, int failed, int bucketsRead, long lagMillis) {
    }

    /** The window of one pass, fixed at its start. */
    private record Window(long now, long cutoffMicros, long lastBucket, long trailing) {
    }

    /**
     * Records the pass may still dispatch (shared by its shards, which run one after the other), and
     * whether a dispatch of this pass already failed: Kafka is then most likely unreachable, and each
     * further send would only hold a worker thread for the producer's max.block.ms, so the rest of the
     * pass is left for the next one.
     */
    private static final class Budget {
        private int left;
        private volatile boolean failed;

        Budget(int left) {
            this.left = left;
        }
    }

    public Uni<Pass> pass() {
        Window w = window();
        Budget budget = new Budget(config.maxPerPass());
        boolean legacy = passes.getAndIncrement() % LEGACY_EVERY_PASSES == 0;
        return posts.relayCheckpoints()
                .chain(checkpoints -> Multi.createFrom().range(0, publish.pendingShards())
                        .onItem().transformToUniAndConcatenate(shard -> relayShard(shard, startOf(checkpoints.get(shard), w), w, budget))
                        .collect().asList())
                .chain(shards -> (legacy && !budget.failed ? drainLegacy(w) : Uni.createFrom().item(0)).map(fromLegacy -> summarize(shards, fromLegacy, w)))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("relay pass failed, next pass retries: %s", e.toString());
                    return new Pass(0, 0, 0, lagMillis.get(), Map.of(), Map.of());
                });
    }

    private Window window() {
        long now = clockMillis.getAsLong();
        long cutoffMicros = (now - publish.relayGrace().toMillis()) * 1000;
        long lastBucket = PostStore.pendingBucketOf(cutoffMicros);
        long lateBuckets = (config.lateWindow().toMillis() + BUCKET - 1) / BUCKET;
        return new Window(now, cutoffMicros, lastBucket, lastBucket - lateBuckets * BUCKET);
    }

    private static long startOf(Long checkpoint, Window w) {
        return checkpoint != null ? checkpoint : w.trailing() - FIRST_RUN_LOOKBACK.toMillis();
    }

    /**
     * Reads one shard's buckets from {@code from} in time order and dispatches their records until
     * a bucket is not drained or a bound is reached, then moves the checkpoint (never past the late
     * window). A failure here ends this shard's pass only.
     */
    private Uni<ShardPass> relayShard(int shard, long from, Window w, Budget budget) {
        long last = Math.min(w.lastBucket(), from + (long) (config.maxBuckets() - 1) * BUCKET);
        return relayBuckets(shard, from, last, w, budget, new ShardPass(shard, from, from, 0, 0, 0, 0))
                .call(done -> done.checkpoint() > from ? posts.saveRelayCheckpoint(shard, done.checkpoint()) : Uni.createFrom().voidItem())
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("relay of shard %d failed, next pass retries from bucket %d: %s", shard, from, e.toString());
                    return new ShardPass(shard, from, from, 0, 0, 0, w.now() - from);
                });
    }

    private Uni<ShardPass> relayBuckets(int shard, long bucket, long last, Window w, Budget budget, ShardPass acc) {
        if (bucket > last) {
            // Read through `last`: everything before the next bucket is drained (or in the late window).
            long lag = last < w.lastBucket() ? w.now() - (last + BUCKET) : 0;
            return Uni.createFrom().item(withCheckpoint(acc, Math.min(last + BUCKET, w.trailing()), lag));
        }
        if (budget.left <= 0 || budget.failed) {
            return Uni.createFrom().item(withCheckpoint(acc, Math.min(bucket, w.trailing()), w.now() - bucket));
        }
        return posts.pendingIn(bucket, shard, budget.left).chain(page -> {
            List<PendingFanout> due = page.records().stream().filter(p -> p.writeTimeMicros() < w.cutoffMicros()).toList();
            budget.left -= due.size();
            return dispatchAll(due, budget).chain(ok -> {
                int failed = due.size() - ok;
                ShardPass next = new ShardPass(shard, acc.from(), acc.checkpoint(), acc.dispatched() + ok, acc.failed() + failed,
                        acc.bucketsRead() + 1, 0);
                boolean drained = page.complete() && failed == 0 && due.size() == page.records().size();
                if (!drained) {
                    // Young records in the newest bucket are the publishing request's; anything else is a backlog.
                    long lag = failed == 0 && page.complete() && bucket == w.lastBucket() ? 0 : w.now() - bucket;
                    return Uni.createFrom().item(withCheckpoint(next, Math.min(bucket, w.trailing()), lag));
                }
                return relayBuckets(shard, bucket + BUCKET, last, w, budget, next);
            });
        });
    }

    private static ShardPass withCheckpoint(ShardPass p, long checkpoint, long lag) {
        return new ShardPass(p.shard(), p.from(), Math.max(p.from(), checkpoint), p.dispatched(), p.failed(), p.bucketsRead(), lag);
    }

    /** Dispatches concurrently (bounded); returns how many were acknowledged. */
    private Uni<Integer> dispatchAll(List<PendingFanout> due, Budget budget) {
        if (due.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(due)
                .onItem().transformToUni(pending -> budget.failed ? Uni.createFrom().item(false) : redispatch(pending)
                        .invoke(ok -> budget.failed |= !ok))
                .merge(config.concurrency())
                .collect().with(Collectors.summingInt(ok -> ok ? 1 : 0));
    }

    private Uni<Boolean> redispatch(PendingFanout pending) {
        String type = "delete".equals(pending.kind()) ? PostEvent.DELETED : PostEvent.PUBLISHED;
        // The publish request that wrote it is long gone: a late fanout starts a trace of its own.
        return publisher.dispatch(pending, type, Context.root());
    }

    /** Records an earlier version left in {@code pending_fanout}; a failure is logged and retried later. */
    private Uni<Integer> drainLegacy(Window w) {
        Budget budget = new Budget(Integer.MAX_VALUE);
        return Multi.createFrom().range(0, publish.pendingShards())
                .onItem().transformToUniAndConcatenate(posts::legacyPending)
                .onItem().transformToUniAndConcatenate(records ->
                        dispatchAll(records.stream().filter(p -> p.writeTimeMicros() < w.cutoffMicros()).toList(), budget))
                .collect().with(Collectors.summingInt(Integer::intValue))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("relay of the pre-bucket pending_fanout table failed, retried in %d passes: %s", LEGACY_EVERY_PASSES, e.toString());
                    return 0;
                });
    }

    private Pass summarize(List<ShardPass> shards, int fromLegacy, Window w) {
        int dispatched = fromLegacy;
        int failed = 0;
        int read = 0;
        long lag = 0;
        Map<Integer, Long> startedAt = new HashMap<>();
        Map<Integer, Long> checkpoints = new HashMap<>();
        for (ShardPass s : shards) {
            dispatched += s.dispatched();
            failed += s.failed();
            read += s.bucketsRead();
            lag = Math.max(lag, s.lagMillis());
            startedAt.put(s.shard(), s.from());
            checkpoints.put(s.shard(), s.checkpoint());
        }
        dispatchedLastPass.set(dispatched);
        lagMillis.set(lag);
        if (dispatched > 0 || failed > 0 || lag > 0) {
            LOG.infof("relay: re-dispatched %d pending fanout(s)%s, %d failed (left pending), %d bucket(s) read; lag %.1f s%s",
                    dispatched, fromLegacy > 0 ? " (" + fromLegacy + " from the pre-bucket table)" : "", failed, read, lag / 1000.0,
                    lag > 0 ? " (oldest bucket with records left: " + Instant.ofEpochMilli(w.now() - lag) + ")" : "");
        }
        return new Pass(dispatched, failed, read, lag, startedAt, checkpoints);
    }
}
