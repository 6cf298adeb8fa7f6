package dev.feed.timeline;

import static io.restassured.RestAssured.given;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Post;
import dev.feed.post.PostStore;
import dev.feed.post.SnowflakeIds;
import dev.feed.post.Tombstones;
import dev.feed.relation.RelationClient;
import dev.feed.schema.CassandraConfig;
import io.quarkus.test.junit.QuarkusMock;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.Dependent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Writes posts the way publish and fanout do (Cassandra, outbox, live inboxes only) without their
 * HTTP API, and reads timelines over HTTP. Times are synthetic but recent and strictly controlled,
 * so tests can put several posts in one millisecond.
 */
@Dependent
class Fixture {
    private final PostStore posts;
    private final OutboxStore outbox;
    private final Redis redis;
    private final CqlSession session;
    private final CassandraConfig cassandra;
    private final int inboxCap;
    private final HotCache hotCache;
    private final Tombstones tombstones;
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis() - 3_600_000L);
    private final SnowflakeIds ids = new SnowflakeIds(ThreadLocalRandom.current().nextInt(1024), clock::get);

    /** Above any configured shard count: the pending-fanout relay reads shards 0..FEED_PENDING_SHARDS-1 only. */
    private static final int FIXTURE_PENDING_SHARD = 100_000;

    private final FolloweeCache followees;
    private final OutboxReader outboxReader;
    private final HiddenAuthorsCache hiddenAuthors;
    private final CircuitBreakerMaintenance breakers;

    @Inject
    Fixture(PostStore posts, OutboxStore outbox, Redis redis, CqlSession session, CassandraConfig cassandra, InboxConfig inboxConfig,
            HotCache hotCache, Tombstones tombstones, FolloweeCache followees, OutboxReader outboxReader, HiddenAuthorsCache hiddenAuthors,
            CircuitBreakerMaintenance breakers) {
        this.breakers = breakers;
        this.outboxReader = outboxReader;
        this.hotCache = hotCache;
        this.tombstones = tombstones;
        this.posts = posts;
        this.outbox = outbox;
        this.redis = redis;
        this.session = session;
        this.cassandra = cassandra;
        this.inboxCap = inboxConfig.maxEntries();
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
    }

    /** A fresh fake relation-service for this test, no followee lists cached or last known from earlier tests, every breaker closed. */
    FakeRelation freshRelation() {
        FakeRelation relation = new FakeRelation();
        QuarkusMock.installMockForType(relation.client(), RelationClient.class, RestClient.LITERAL);
        breakers.resetAll();
        followees.forgetAll();
        hiddenAuthors.invalidateAll();
        return relation;
    }

    static long newUser() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    /** A post one millisecond after the previous one. */
    PostRef publish(long author, long... followers) {
        clock.incrementAndGet();
        return publishSameMillisecond(author, followers);
    }

    /** A post in the same millisecond as the previous one (ids still increase). */
    PostRef publishSameMillisecond(long author, long... followers) {
        PostRef ref = durable(author);
        if (!outbox.push(author, ref).await().indefinitely()) {
            outboxReader.warm(author).await().indefinitely(); // as PublishService does when Redis has no outbox
        }
        pushToLiveInboxes(ref, author); // delivery to self (PublishService#dispatch)
        pushToLiveInboxes(ref, followers);
        // The change broadcast of the publish path (Kafka, tested in dev.feed.hot), delivered in-process.
        hotCache.onChange(author).toCompletableFuture().join();
        return ref;
    }

    /**
     * Only in Cassandra: as after a Redis loss. The post is written as publish writes it, with its
     * pending-fanout record, which is then dropped as an acknowledged dispatch drops it: a relay
     * must not finish this "publish" (it would push the post into the outbox and the author's inbox,
     * undoing the Redis loss the test set up). The record goes to a shard no relay reads, so not even
     * the app's scheduled relay can pick it up between the write and its removal.
     */
    PostRef durable(long author) {
        long id = ids.next();
        Instant at = SnowflakeIds.instantOf(id);
        posts.insertWithPendingFanout(new Post(id, author, "post " + id, at, null), FIXTURE_PENDING_SHARD)
                .chain(posts::donePending).await().indefinitely();
        return new PostRef(id, at.toEpochMilli());
    }

    /** What fanout-worker does: only inboxes that exist, trimmed to the cap. */
    void pushToLiveInboxes(PostRef ref, long... followers) {
        String script = "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                + "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) "
                + "redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1)) return 1";
        for (long f : followers) {
            redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(HomeInboxStore.key(f))
                    .arg(ref.createdAtMillis()).arg(ref.postId()).arg(inboxCap)).await().indefinitely();
        }
    }

    /**
     * Tombstones as the delete path does: in Cassandra, and the Redis tombstone that hydration
     * checks against locally cached copies; the outbox and inboxes keep the id, as they may for a while.
     */
    void tombstone(long postId) {
        session.execute(SimpleStatement.newInstance("UPDATE " + cassandra.keyspace() + ".posts SET deleted_at = ? WHERE id = ?",
                Instant.now(), postId));
        tombstones.mark(postId).await().indefinitely();
    }

    boolean inboxExists(long user) {
        return redis.send(Request.cmd(Command.EXISTS).arg(HomeInboxStore.key(user))).await().indefinitely().toInteger() == 1;
    }

    void expireInboxIn(long user, Duration ttl) {
        redis.send(Request.cmd(Command.PEXPIRE).arg(HomeInboxStore.key(user)).arg(ttl.toMillis())).await().indefinitely();
    }

    long inboxTtlMillis(long user) {
        return redis.send(Request.cmd(Command.PTTL).arg(HomeInboxStore.key(user))).await().indefinitely().toLong();
    }

    static String token(long user) {
        return Jwt.issuer("https://feed.local").subject(Long.toString(user)).sign();
    }

    static RequestSpecification as(long user) {
        return given().header("Authorization", "Bearer " + token(user));
    }

    static JsonPath page(long reader, int limit, String cursor) {
        RequestSpecification r = as(reader).queryParam("limit", limit);
        if (cursor != null) {
            r.queryParam("cursor", cursor);
        }
        return r.get("/v1/timeline").then().statusCode(200).extract().jsonPath();
    }

    static List<Long> ids(JsonPath page) {
        List<Long> out = new ArrayList<>();
        for (String id : page.<String>getList("items.id")) {
            out.add(Long.parseLong(id));
        }
        return out;
    }

    /** Every item of the timeline, page by page. */
    static List<Long> all(long reader, int limit) {
        List<Long> out = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 1_000; i++) {
            JsonPath page = page(reader, limit, cursor);
            out.addAll(ids(page));
            cursor = page.getString("nextCursor");
            if (cursor == null) {
                return out;
            }
        }
        throw new AssertionError("timeline did not end");
    }

    static List<Long> idsOf(List<PostRef> refs) {
        return refs.stream().map(PostRef::postId).toList();
    }

    /** Newest first, as a timeline orders them. */
    static List<Long> newestFirst(List<PostRef> refs) {
        List<PostRef> sorted = new ArrayList<>(refs);
        sorted.sort(null);
        return idsOf(sorted);
    }

    static void eventually(long timeoutMillis, BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofMillis(timeoutMillis)).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }
}
