package dev.feed.post;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.servererrors.DefaultWriteType;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import dev.feed.hotcache.PostRef;
import dev.feed.schema.CassandraConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/** Durable posts in Cassandra, read and written at the configured consistency (LOCAL_QUORUM). */
@ApplicationScoped
public class PostStore {
    private static final Logger LOG = Logger.getLogger(PostStore.class);

    private final CqlSession session;
    private final CassandraConfig config;
    private final java.util.function.LongSupplier clockMillis;
    private final BooleanSupplier aLocalNodeIsDown;
    private volatile Prepared prepared;

    @jakarta.inject.Inject
    public PostStore(CqlSession session, CassandraConfig config) {
        this(session, config, System::currentTimeMillis);
    }

    /** With a clock of its own: tests run a store whose clock lags another's. */
    public PostStore(CqlSession session, CassandraConfig config, java.util.function.LongSupplier clockMillis) {
        this(session, config, clockMillis, () -> aLocalNodeIsDown(session));
    }

    /** With its own view of the ring: tests take the path a node loss takes on a single-node Cassandra. */
    public PostStore(CqlSession session, CassandraConfig config, java.util.function.LongSupplier clockMillis,
            BooleanSupplier aLocalNodeIsDown) {
        this.session = session;
        this.config = config;
        this.clockMillis = clockMillis;
        this.aLocalNodeIsDown = aLocalNodeIsDown;
    }

    /**
     * Width of a pending-fanout bucket. Fixed, not configured: the relay steps from bucket to
     * bucket by it, so a different width would leave records written under the old one unread.
     */
    public static final long PENDING_BUCKET_MILLIS = 10_000;

    /** The pending-fanout bucket (start, epoch millis) holding a record written at {@code writeTimeMicros}. */
    public static long pendingBucketOf(long writeTimeMicros) {
        long millis = Math.floorDiv(writeTimeMicros, 1000L);
        return millis - Math.floorMod(millis, PENDING_BUCKET_MILLIS);
    }

    /** Month bucket (yyyymm) of an author partition in {@code posts_by_author}. */
    public static int bucketOf(Instant at) {
        var d = at.atZone(ZoneOffset.UTC);
        return d.getYear() * 100 + d.getMonthValue();
    }

    /**
     * Writes the post, its by-author row, its bucket and its pending-fanout record together
     * ({@link #writeTogether}: one logged batch, whose batchlog makes the four land together or not
     * at all; in order, the post's row last, while a Cassandra node is down), so a post is never
     * durable without the record that guarantees its fanout. The record goes to the bucket of the
     * batch's write time, the one the relay reaches in time order.
     */
    public Uni<PendingFanout> insertWithPendingFanout(Post post, int pendingShard) {
        Prepared p = prepared();
        long writeTime = writeTimeMicros();
        int bucket = bucketOf(post.createdAt());
        Long repostOf = post.isRepost() ? post.repostOf() : null;
        List<BatchableStatement<?>> before = new ArrayList<>(List.of(
                p.insertPending.bind(pendingBucketOf(writeTime), pendingShard, post.id(), post.authorId(), post.createdAt(), "publish",
                        repostOf),
                p.insertByAuthor.bind(post.authorId(), bucket, post.createdAt(), post.id(), post.text(), repostOf),
                p.insertBucket.bind(post.authorId(), bucket)));
        if (post.isRepost()) {
            // listed under its original in the same batch: a delete of the original finds every repost that exists
            before.add(p.insertRepostOf.bind(post.repostOf(), post.id(), post.authorId()));
        }
        // the post's own row last: a retry with the Idempotency-Key takes an existing post as written
        BatchableStatement<?> decisive = p.insertPost.bind(post.id(), post.authorId(), post.text(), post.createdAt(), repostOf);
        return writeTogether(before, decisive, writeTime).replaceWith(new PendingFanout(pendingBucketOf(writeTime), pendingShard, post.id(), post.authorId(),
                post.createdAt(), "publish", writeTime, post.repostOf()));
    }

    public Uni<Optional<Post>> find(long id) {
        return run(prepared().selectPost.bind(id)).map(rs -> Optional.ofNullable(rs.one()).map(PostStore::toPost));
    }

    /** A post with the Cassandra write time of its publish: what a delete must write after. */
    public record Stored(Post post, long writeTimeMicros) {
    }

    /** Like {@link #find}, with the publish's write time (see {@link #tombstone}). */
    public Uni<Optional<Stored>> findStored(long id) {
        return run(prepared().selectPostWithWriteTime.bind(id))
                .map(rs -> Optional.ofNullable(rs.one()).map(row -> new Stored(toPost(row), row.getLong("wt"))));
    }

    /**
     * {@link #findStored} of many ids in one request ({@code WHERE id IN ?}: the coordinator reads the
     * partitions, the client makes one round trip); missing ids are absent. For bounded batches (a
     * delete's reposts, {@code feed.publish.repost-delete-batch} at a time).
     */
    public Uni<Map<Long, Stored>> findStoredAll(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<Long, Stored> byId = new HashMap<>();
        return rows(prepared().selectPostsWithWriteTime.bind(ids), () -> { },
                row -> byId.put(row.getLong("id"), new Stored(toPost(row), row.getLong("wt")))).replaceWith(byId);
    }

    /** Loads many posts concurrently (one async request each, all in flight at once); missing ids are absent. */
    public Uni<Map<Long, Post>> findAll(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Optional<Post>>> loads = new ArrayList<>(ids.size());
        for (long id : ids) {
            loads.add(find(id));
        }
        return Uni.join().all(loads).andFailFast().map(found -> {
            Map<Long, Post> byId = new HashMap<>();
            found.forEach(o -> o.ifPresent(post -> byId.put(post.id(), post)));
            return byId;
        });
    }

    /**
     * Binds an Idempotency-Key to a post id with a lightweight transaction, so concurrent retries
     * agree on one id. Returns the id already bound (a retry) or {@code candidateId} (first use).
     */
    public Uni<Long> reserveIdempotencyKey(long authorId, String key, long candidateId) {
        Statement<?> lwt = prepared().reserveKey.bind(authorId, key, candidateId)
                .setSerialConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_SERIAL);
        return run(lwt).map(rs -> {
            Row row = rs.one();
            return row == null || row.getBoolean("[applied]") ? candidateId : row.getLong("post_id");
        });
    }

    /**
     * Tombstones a post: marks it deleted, removes it from the author's listing and records a
     * pending "delete" fanout, together ({@link #writeTogether}; in order, the mark last, while a
     * Cassandra node is down). The tombstone is what reads check, so the
     * post is gone at once whatever inboxes and caches still hold.
     *
     * <p>The batch is written strictly after the publish's write time ({@code stored}), whatever
     * this instance's clock says: Cassandra keeps the cell with the highest timestamp, so a delete
     * stamped by a clock lagging the publishing instance's would lose to the publish: the
     * {@code posts_by_author} row would stay, and the "delete" pending record would be shadowed by
     * the publish record's (older-looking, really earlier) row and its removal.
     *
     * <p>The delete's pending record goes to the bucket of its own write time; the publish's record,
     * if still pending, is removed from its bucket (the publish's write time names it) in the same
     * batch: the relay must not re-dispatch a publish after the delete, which would push a deleted
     * post into inboxes again.
     */
    public Uni<PendingFanout> tombstone(Stored stored, Instant deletedAt, int pendingShard) {
        Prepared p = prepared();
        Post post = stored.post();
        long writeTime = writeTimeMicrosAfter(stored.writeTimeMicros());
        Long repostOf = post.isRepost() ? post.repostOf() : null;
        long publishBucket = pendingBucketOf(stored.writeTimeMicros());
        long deleteBucket = pendingBucketOf(writeTime);
        List<BatchableStatement<?>> writes = new ArrayList<>(List.of(
                p.insertPending.bind(deleteBucket, pendingShard, post.id(), post.authorId(), post.createdAt(), "delete", repostOf),
                p.deleteByAuthor.bind(post.authorId(), bucketOf(post.createdAt()), post.createdAt(), post.id())));
        if (publishBucket != deleteBucket) {
            // In the same bucket the insert overwrites the publish record; a delete of the same row
            // at the same timestamp would win over the insert and erase the delete's record.
            writes.add(p.deletePendingAt.bind(publishBucket, pendingShard, post.id()));
        }
        if (post.isRepost()) {
            // an unrepost frees the (user, original) slot: reposting again makes a new repost
            writes.add(p.deleteRepostByUser.bind(post.authorId(), post.repostOf()));
            writes.add(p.deleteRepostOf.bind(post.repostOf(), post.id()));
        }
        // the mark last: a retried delete of a post marked deleted does not write the rest again
        return writeTogether(writes, p.markDeleted.bind(deletedAt, post.id()), writeTime).replaceWith(new PendingFanout(deleteBucket, pendingShard, post.id(), post.authorId(),
                post.createdAt(), "delete", writeTime, post.repostOf()));
    }

    /**
     * Binds (user, original) to a repost id with a lightweight transaction, as
     * {@link #reserveIdempotencyKey} does for publishes: returns the id already bound (a repeated
     * repost) or {@code candidateId} (first repost).
     */
    public Uni<Long> reserveRepost(long userId, long originalId, long candidateId) {
        Statement<?> lwt = prepared().reserveRepost.bind(userId, originalId, candidateId)
                .setSerialConsistencyLevel(com.datastax.oss.driver.api.core.DefaultConsistencyLevel.LOCAL_SERIAL);
        return run(lwt).map(rs -> {
            Row row = rs.one();
            return row == null || row.getBoolean("[applied]") ? candidateId : row.getLong("repost_id");
        });
    }

    /** A repost of an original: its id and its reposter. */
    public record RepostRef(long repostId, long reposterId) {
    }

    /** Every repost of an original (one partition, all pages). */
    public Uni<List<RepostRef>> repostsOf(long originalId) {
        List<RepostRef> out = new ArrayList<>();
        return rows(prepared().selectRepostsOf.bind(originalId), () -> { },
                row -> out.add(new RepostRef(row.getLong("repost_id"), row.getLong("reposter_id")))).replaceWith(out);
    }

    /** Up to {@code max} pending records of one bucket of one shard; {@code complete}: the bucket holds no more. */
    public record PendingPage(List<PendingFanout> records, boolean complete) {
    }

    /**
     * The pending records of one bucket of one shard, up to {@code max}, in pages of at most 1,000
     * rows (each page one round trip; the rows deleted since are tombstones the page skips).
     */
    public Uni<PendingPage> pendingIn(long bucket, int shard, int max) {
        Statement<?> query = prepared().selectPendingIn.bind(bucket, shard).setPageSize(Math.max(1, Math.min(max, 1000)));
        return run(query).chain(rs -> collectPending(rs, bucket, shard, max, new ArrayList<>()));
    }

    private Uni<PendingPage> collectPending(AsyncResultSet rs, long bucket, int shard, int max, List<PendingFanout> acc) {
        for (Row row : rs.currentPage()) {
            if (acc.size() >= max) {
                return Uni.createFrom().item(new PendingPage(acc, false));
            }
            acc.add(toPending(row, bucket, shard));
        }
        if (!rs.hasMorePages()) {
            return Uni.createFrom().item(new PendingPage(acc, true));
        }
        if (acc.size() >= max) {
            return Uni.createFrom().item(new PendingPage(acc, false));
        }
        return Uni.createFrom().completionStage(rs.fetchNextPage()).chain(next -> collectPending(next, bucket, shard, max, acc));
    }

    /**
     * Up to 1,000 records of one shard of the V001 {@code pending_fanout} table, which no write
     * uses any more: what an earlier version left there (see {@code PendingFanoutRelay}).
     */
    public Uni<List<PendingFanout>> legacyPending(int shard) {
        return run(prepared().selectLegacyPending.bind(shard)).map(rs -> {
            List<PendingFanout> out = new ArrayList<>();
            for (Row row : rs.currentPage()) {
                out.add(toPending(row, PendingFanout.LEGACY, shard));
            }
            return out;
        });
    }

    private static PendingFanout toPending(Row row, long bucket, int shard) {
        return new PendingFanout(bucket, shard, row.getLong("post_id"), row.getLong("author_id"), row.getInstant("created_at"),
                row.getString("kind"), row.getLong("wt"), row.getLong("repost_of"));
    }

    /** Per shard, the first bucket the relay has not shown to be drained; shards never checkpointed are absent. */
    public Uni<Map<Integer, Long>> relayCheckpoints() {
        return run(prepared().selectCheckpoints.bind()).map(rs -> {
            Map<Integer, Long> out = new HashMap<>();
            for (Row row : rs.currentPage()) {
                out.put(row.getInt("shard"), row.getLong("next_bucket"));
            }
            return out;
        });
    }

    public Uni<Void> saveRelayCheckpoint(int shard, long nextBucket) {
        return run(prepared().upsertCheckpoint.bind(shard, nextBucket, Instant.ofEpochMilli(clockMillis.getAsLong()))).replaceWithVoid();
    }

    /**
     * Drops a pending record once its fanout task is acknowledged. The delete carries the
     * record's own write time, so it cannot remove a newer record for the same post (a delete
     * that was requested meanwhile): no lightweight transaction needed.
     */
    public Uni<Void> donePending(PendingFanout pending) {
        Statement<?> delete = pending.legacy()
                ? prepared().deleteLegacyPending.bind(pending.writeTimeMicros(), pending.shard(), pending.postId())
                : prepared().deletePending.bind(pending.writeTimeMicros(), pending.bucket(), pending.shard(), pending.postId());
        return run(delete).replaceWithVoid();
    }

    private final java.util.concurrent.atomic.AtomicLong lastWriteTime = new java.util.concurrent.atomic.AtomicLong();

    /** Strictly increasing microsecond timestamps from this instance. */
    private long writeTimeMicros() {
        return writeTimeMicrosAfter(0);
    }

    /** Strictly increasing from this instance, and strictly after {@code earlierMicros}. */
    private long writeTimeMicrosAfter(long earlierMicros) {
        long now = Math.max(clockMillis.getAsLong() * 1000, earlierMicros + 1);
        return lastWriteTime.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    /**
     * One author's posts strictly older than the cursor (all if null), newest first, walking the
     * month buckets backwards: the durable listing behind pages past the Redis window.
     */
    public Uni<List<Post>> byAuthor(long authorId, Cursor before, int limit) {
        Prepared p = prepared();
        return walkAuthor(authorId, before, limit, p.selectByAuthor, p.selectByAuthorBefore,
                row -> new Post(row.getLong("id"), authorId, row.getString("text"), row.getInstant("created_at"), null,
                        row.getLong("repost_of")), () -> { });
    }

    /** Like {@link #byAuthor} without the text: what a timeline past the Redis window needs. */
    public Uni<List<PostRef>> refsByAuthor(long authorId, Cursor before, int limit, Runnable onRoundTrip) {
        Prepared p = prepared();
        return walkAuthor(authorId, before, limit, p.selectRefsByAuthor, p.selectRefsByAuthorBefore,
                row -> new PostRef(row.getLong("id"), row.getInstant("created_at").toEpochMilli()), onRoundTrip);
    }

    /**
     * Each author's newest non-empty month bucket at or before {@code maxBucket}, in one statement
     * over all the given partitions (an IN list: callers bound its size); authors with no such
     * bucket are absent. {@code onRoundTrip} runs once per Cassandra round trip.
     */
    public Uni<Map<Long, Integer>> newestBuckets(List<Long> authorIds, int maxBucket, Runnable onRoundTrip) {
        Map<Long, Integer> heads = new HashMap<>();
        return rows(prepared().selectBucketHeads.bind(authorIds, maxBucket), onRoundTrip,
                row -> heads.put(row.getLong("author_id"), row.getInt("bucket")))
                .replaceWith(heads);
    }

    /**
     * Up to {@code perAuthor} refs of each given author in one month bucket, strictly older than
     * {@code before}, newest first per author: one statement over all the partitions (an IN list
     * with PER PARTITION LIMIT; callers bound the list's size).
     */
    public Uni<Map<Long, List<PostRef>>> refsInBucket(List<Long> authorIds, int bucket, Cursor before, int perAuthor,
            Runnable onRoundTrip) {
        Map<Long, List<PostRef>> byAuthor = new HashMap<>();
        Statement<?> query = prepared().selectRefsInBucket.bind(authorIds, bucket, Instant.ofEpochMilli(before.createdAtMillis()),
                before.postId(), perAuthor);
        return rows(query, onRoundTrip, row -> byAuthor.computeIfAbsent(row.getLong("author_id"), a -> new ArrayList<>())
                        .add(new PostRef(row.getLong("id"), row.getInstant("created_at").toEpochMilli())))
                .replaceWith(byAuthor);
    }

    /** Every row of a statement, page after page (each page one round trip). */
    private Uni<Void> rows(Statement<?> statement, Runnable onRoundTrip, java.util.function.Consumer<Row> each) {
        onRoundTrip.run();
        return run(statement).chain(rs -> drain(rs, onRoundTrip, each));
    }

    private Uni<Void> drain(AsyncResultSet rs, Runnable onRoundTrip, java.util.function.Consumer<Row> each) {
        for (Row row : rs.currentPage()) {
            each.accept(row);
        }
        if (!rs.hasMorePages()) {
            return Uni.createFrom().voidItem();
        }
        onRoundTrip.run();
        return Uni.createFrom().completionStage(rs.fetchNextPage()).chain(next -> drain(next, onRoundTrip, each));
    }

    /**
     * Up to {@code limit} rows of one author strictly older than {@code before} (null: from the
     * newest), newest first. An author's partitions are month buckets; {@code author_buckets} lists
     * the non-empty ones, so paging back skips empty months instead of probing them.
     */
    private <T> Uni<List<T>> walkAuthor(long authorId, Cursor before, int limit, PreparedStatement newest, PreparedStatement older,
            Function<Row, T> map, Runnable onRoundTrip) {
        onRoundTrip.run();
        int fromBucket = before == null ? Integer.MAX_VALUE : bucketOf(Instant.ofEpochMilli(before.createdAtMillis()));
        return run(prepared().selectBuckets.bind(authorId, fromBucket))
                .chain(rs -> collectBuckets(rs, new ArrayList<>()))
                .chain(buckets -> readBuckets(authorId, buckets, 0, before, limit, newest, older, map, new ArrayList<>(), onRoundTrip));
    }

    private Uni<List<Integer>> collectBuckets(AsyncResultSet rs, List<Integer> acc) {
        for (Row row : rs.currentPage()) {
            acc.add(row.getInt("bucket"));
        }
        if (!rs.hasMorePages()) {
            return Uni.createFrom().item(acc);
        }
        return Uni.createFrom().completionStage(rs.fetchNextPage()).chain(next -> collectBuckets(next, acc));
    }

    /** Newest bucket first, one query each, stopping as soon as the limit is reached. */
    private <T> Uni<List<T>> readBuckets(long authorId, List<Integer> buckets, int i, Cursor before, int limit,
            PreparedStatement newest, PreparedStatement older, Function<Row, T> map, List<T> acc, Runnable onRoundTrip) {
        if (i >= buckets.size() || acc.size() >= limit) {
            return Uni.createFrom().item(acc);
        }
        onRoundTrip.run();
        int want = limit - acc.size();
        Statement<?> query = before == null
                ? newest.bind(authorId, buckets.get(i), want)
                : older.bind(authorId, buckets.get(i), Instant.ofEpochMilli(before.createdAtMillis()), before.postId(), want);
        return run(query).chain(rs -> {
            // Limit <= page size: one page holds the whole answer.
            for (Row row : rs.currentPage()) {
                acc.add(map.apply(row));
            }
            return readBuckets(authorId, buckets, i + 1, before, limit, newest, older, map, acc, onRoundTrip);
        });
    }

    /**
     * Writes {@code before} and {@code decisive} together at one write timestamp: as one logged
     * batch (Cassandra's batchlog: all land or none) while every node of the local datacenter is up.
     *
     * <p>Without the batchlog when a node is down: the coordinator stores the batchlog on two other
     * nodes it believes alive, and in a three-node datacenter those are both other nodes, the dead
     * one included until Cassandra's failure detector convicts it (10 to 20 s). Every logged batch
     * then waits out the write timeout and fails, though each partition still has its quorum (the
     * chaos run saw publishes and deletes fail for 24 s per Cassandra node loss). So when the driver
     * sees a local node down (its connections closed: on a killed process at once), or when a logged
     * batch fails on the batchlog write or on the coordinator dying mid-request, the same mutations
     * at the same timestamp go as two unlogged writes in order: {@code before}, then
     * {@code decisive}, the row a retry looks at to decide the work is done. Idempotent (same cells,
     * same timestamp: a batchlog replay of the failed attempt rewrites them), and a failure between
     * the two leaves the request failed and {@code decisive} absent, so the client's retry writes
     * everything again. Lost compared with the batchlog: if this instance dies between the two
     * writes and the client never retries, {@code before} stays without {@code decisive} (for a
     * publish, a pending record and listing of a post that does not exist, which reads skip).
     */
    private Uni<Void> writeTogether(List<BatchableStatement<?>> before, BatchableStatement<?> decisive, long writeTime) {
        if (aLocalNodeIsDown.getAsBoolean()) {
            return writeInOrder(before, decisive, writeTime);
        }
        List<BatchableStatement<?>> all = new ArrayList<>(before);
        all.add(decisive);
        return run(BatchStatement.newInstance(DefaultBatchType.LOGGED, all).setQueryTimestamp(writeTime))
                .onFailure(PostStore::batchlogUnreachable).recoverWithUni(e -> {
                    LOG.warnf("logged batch failed (%s): writing its mutations in order without the batchlog", e.toString());
                    return writeInOrder(before, decisive, writeTime).replaceWith((AsyncResultSet) null);
                })
                .replaceWithVoid();
    }

    private Uni<Void> writeInOrder(List<BatchableStatement<?>> before, BatchableStatement<?> decisive, long writeTime) {
        return run(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, before).setQueryTimestamp(writeTime))
                .chain(() -> run(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, decisive).setQueryTimestamp(writeTime)))
                .replaceWithVoid();
    }

    /** The batchlog write timed out (a batchlog node is dead), or the coordinator's connection died mid-request. */
    static boolean batchlogUnreachable(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof WriteTimeoutException timeout && timeout.getWriteType() == DefaultWriteType.BATCH_LOG
                || cause instanceof ClosedConnectionException || cause instanceof HeartbeatException;
    }

    /** A node of the local datacenter the driver holds down (all its connections lost, reconnecting). */
    static boolean aLocalNodeIsDown(CqlSession session) {
        for (Node node : session.getMetadata().getNodes().values()) {
            if (node.getDistance() == NodeDistance.LOCAL && (node.getState() == NodeState.DOWN || node.getState() == NodeState.FORCED_DOWN)) {
                return true;
            }
        }
        return false;
    }

    private Uni<AsyncResultSet> run(Statement<?> statement) {
        Statement<?> s = statement.setConsistencyLevel(config.consistencyLevel());
        CompletionStage<AsyncResultSet> stage = session.executeAsync(s);
        return Uni.createFrom().completionStage(stage);
    }

    static Post toPost(Row row) {
        // getLong of a null repost_of (every post before V006, every ordinary post) is 0: not a repost
        return new Post(row.getLong("id"), row.getLong("author_id"), row.getString("text"),
                row.getInstant("created_at"), row.getInstant("deleted_at"), row.getLong("repost_of"));
    }

    /**
     * Prepares every statement at startup, after the schema migrator (priority 10). Lazily, the
     * first use could fall on a Cassandra driver thread (inside a chain after an async result), where
     * the driver refuses the blocking prepare: the first reads after a restart answered 500.
     */
    void prepareOnStart(@Observes @Priority(20) StartupEvent event) {
        try {
            prepared();
        } catch (RuntimeException e) {
            Logger.getLogger(PostStore.class).warnf("preparing CQL statements at startup failed, retried on first use: %s", e.toString());
        }
    }

    private Prepared prepared() {
        Prepared p = prepared;
        if (p == null) {
            synchronized (this) {
                if (prepared == null) {
                    prepared = new Prepared(session, config.keyspace());
                }
                p = prepared;
            }
        }
        return p;
    }

    /** Statements prepared once, on first use (after the schema migrator created the tables). */
    private static final class Prepared {
        final PreparedStatement insertPost;
        final PreparedStatement insertByAuthor;
        final PreparedStatement insertBucket;
        final PreparedStatement insertPending;
        final PreparedStatement selectPost;
        final PreparedStatement selectPostWithWriteTime;
        final PreparedStatement selectPostsWithWriteTime;
        final PreparedStatement reserveKey;
        final PreparedStatement markDeleted;
        final PreparedStatement deleteByAuthor;
        final PreparedStatement selectPendingIn;
        final PreparedStatement deletePending;
        final PreparedStatement deletePendingAt;
        final PreparedStatement selectLegacyPending;
        final PreparedStatement deleteLegacyPending;
        final PreparedStatement selectCheckpoints;
        final PreparedStatement upsertCheckpoint;
        final PreparedStatement selectBuckets;
        final PreparedStatement selectByAuthor;
        final PreparedStatement selectByAuthorBefore;
        final PreparedStatement selectRefsByAuthor;
        final PreparedStatement selectRefsByAuthorBefore;
        final PreparedStatement selectBucketHeads;
        final PreparedStatement selectRefsInBucket;
        final PreparedStatement insertRepostOf;
        final PreparedStatement deleteRepostOf;
        final PreparedStatement deleteRepostByUser;
        final PreparedStatement reserveRepost;
        final PreparedStatement selectRepostsOf;

        Prepared(CqlSession s, String ks) {
            insertPost = s.prepare("INSERT INTO " + ks + ".posts (id, author_id, text, created_at, repost_of) VALUES (?, ?, ?, ?, ?)");
            insertByAuthor = s.prepare("INSERT INTO " + ks + ".posts_by_author (author_id, bucket, created_at, id, text, repost_of) VALUES (?, ?, ?, ?, ?, ?)");
            insertBucket = s.prepare("INSERT INTO " + ks + ".author_buckets (author_id, bucket) VALUES (?, ?)");
            insertPending = s.prepare("INSERT INTO " + ks + ".pending_fanouts_by_bucket (bucket, shard, post_id, author_id, created_at, kind, repost_of)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)");
            selectPost = s.prepare("SELECT id, author_id, text, created_at, deleted_at, repost_of FROM " + ks + ".posts WHERE id = ?");
            selectPostWithWriteTime = s.prepare("SELECT id, author_id, text, created_at, deleted_at, repost_of, WRITETIME(created_at) AS wt FROM " + ks + ".posts WHERE id = ?");
            selectPostsWithWriteTime = s.prepare("SELECT id, author_id, text, created_at, deleted_at, repost_of, WRITETIME(created_at) AS wt FROM " + ks + ".posts WHERE id IN ?");
            reserveKey = s.prepare("INSERT INTO " + ks + ".idempotency_keys (author_id, idem_key, post_id) VALUES (?, ?, ?) IF NOT EXISTS");
            markDeleted = s.prepare("UPDATE " + ks + ".posts SET deleted_at = ? WHERE id = ?");
            deleteByAuthor = s.prepare("DELETE FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? AND created_at = ? AND id = ?");
            selectPendingIn = s.prepare("SELECT post_id, author_id, created_at, kind, repost_of, WRITETIME(kind) AS wt FROM " + ks
                    + ".pending_fanouts_by_bucket WHERE bucket = ? AND shard = ?");
            deletePending = s.prepare("DELETE FROM " + ks + ".pending_fanouts_by_bucket USING TIMESTAMP ? WHERE bucket = ? AND shard = ? AND post_id = ?");
            deletePendingAt = s.prepare("DELETE FROM " + ks + ".pending_fanouts_by_bucket WHERE bucket = ? AND shard = ? AND post_id = ?");
            selectLegacyPending = s.prepare("SELECT post_id, author_id, created_at, kind, repost_of, WRITETIME(kind) AS wt FROM " + ks
                    + ".pending_fanout WHERE shard = ? LIMIT 1000");
            deleteLegacyPending = s.prepare("DELETE FROM " + ks + ".pending_fanout USING TIMESTAMP ? WHERE shard = ? AND post_id = ?");
            selectCheckpoints = s.prepare("SELECT shard, next_bucket FROM " + ks + ".pending_fanout_checkpoints");
            upsertCheckpoint = s.prepare("INSERT INTO " + ks + ".pending_fanout_checkpoints (shard, next_bucket, updated_at) VALUES (?, ?, ?)");
            selectBuckets = s.prepare("SELECT bucket FROM " + ks + ".author_buckets WHERE author_id = ? AND bucket <= ?");
            selectByAuthor = s.prepare("SELECT id, text, created_at, repost_of FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? LIMIT ?");
            // A tuple bound on the clustering key is exact for equal-millisecond posts: (ms, id) < (cursor).
            selectByAuthorBefore = s.prepare("SELECT id, text, created_at, repost_of FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? AND (created_at, id) < (?, ?) LIMIT ?");
            selectRefsByAuthor = s.prepare("SELECT id, created_at FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? LIMIT ?");
            selectRefsByAuthorBefore = s.prepare("SELECT id, created_at FROM " + ks + ".posts_by_author WHERE author_id = ? AND bucket = ? AND (created_at, id) < (?, ?) LIMIT ?");
            selectBucketHeads = s.prepare("SELECT author_id, bucket FROM " + ks + ".author_buckets WHERE author_id IN ? AND bucket <= ? PER PARTITION LIMIT 1");
            selectRefsInBucket = s.prepare("SELECT author_id, id, created_at FROM " + ks + ".posts_by_author WHERE author_id IN ? AND bucket = ?"
                    + " AND (created_at, id) < (?, ?) PER PARTITION LIMIT ?");
            insertRepostOf = s.prepare("INSERT INTO " + ks + ".reposts_of (original_id, repost_id, reposter_id) VALUES (?, ?, ?)");
            deleteRepostOf = s.prepare("DELETE FROM " + ks + ".reposts_of WHERE original_id = ? AND repost_id = ?");
            deleteRepostByUser = s.prepare("DELETE FROM " + ks + ".reposts_by_user WHERE user_id = ? AND original_id = ?");
            reserveRepost = s.prepare("INSERT INTO " + ks + ".reposts_by_user (user_id, original_id, repost_id) VALUES (?, ?, ?) IF NOT EXISTS");
            selectRepostsOf = s.prepare("SELECT repost_id, reposter_id FROM " + ks + ".reposts_of WHERE original_id = ?");
        }
    }
}
