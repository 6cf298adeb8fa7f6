package dev.feed.fanout.merge;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.await;
import static dev.feed.fanout.support.Fixtures.envelope;
import static dev.feed.fanout.support.Fixtures.exists;
import static dev.feed.fanout.support.Fixtures.members;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.send;
import static dev.feed.fanout.support.Fixtures.awaitConsumed;
import static dev.feed.fanout.support.TopicReader.awaitRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.FanoutWorker;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.support.FakeRelationClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RelationEventsTest {
    private static final long T0 = 1_700_000_000_000L;

    @Inject
    FanoutWorker worker;
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;
    @Inject
    @RestClient
    FakeRelationClient relationClient;

    @Test
    void follow_pushTierFollowee_mergesTheirRecentPostsIntoTheLiveInbox() {
        long reader = newId();
        long followee = newId();
        activate(redis, reader, inboxConfig.ttl());
        inbox(reader, 5, T0 + 5);
        outbox(followee, List.of(11L, 12L, 13L), T0);

        follow(reader, followee, "push");
        await("merged", () -> members(redis, InboxStore.key(reader)).contains("13"));

        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", "11", "12", "13", "5");
        assertThat(score(reader, "12")).as("the outbox's createdAt score is kept").isEqualTo(T0 + 1);
    }

    @Test
    void follow_inactiveFollower_getsNoInbox() {
        long reader = newId();
        long followee = newId();
        outbox(followee, List.of(21L), T0);

        awaitConsumed(kafka, worker.group(RelationEvents.GROUP), follow(reader, followee, "push"));

        assertThat(exists(redis, InboxStore.key(reader))).isFalse();
    }

    @Test
    void follow_pullTierFollowee_mergesNothing() {
        long reader = newId();
        long followee = newId();
        activate(redis, reader, inboxConfig.ttl());
        outbox(followee, List.of(31L), T0);

        awaitConsumed(kafka, worker.group(RelationEvents.GROUP), follow(reader, followee, "pull"));

        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0");
    }

    @Test
    void follow_largeOutbox_trimsTheInboxToMaxEntries() {
        long reader = newId();
        long followee = newId();
        activate(redis, reader, inboxConfig.ttl());
        int max = inboxConfig.maxEntries();
        List<Long> posts = new ArrayList<>();
        for (int i = 1; i <= max + 50; i++) {
            posts.add(100_000L + i);
        }
        outbox(followee, posts, T0);

        follow(reader, followee, "push");
        await("merged", () -> members(redis, InboxStore.key(reader)).contains(Long.toString(100_000L + max + 50)));

        List<String> inbox = members(redis, InboxStore.key(reader));
        assertThat(inbox).hasSize(max).doesNotContain("100001", "0");
    }

    @Test
    void unfollow_removesTheFolloweesPosts_andKeepsEverythingElse() {
        long reader = newId();
        long followee = newId();
        activate(redis, reader, inboxConfig.ttl());
        inbox(reader, 41, T0);
        inbox(reader, 42, T0 + 1);
        inbox(reader, 7, T0 + 2);
        outbox(followee, List.of(41L, 42L), T0);

        unfollow(reader, followee);
        await("unmerged", () -> !members(redis, InboxStore.key(reader)).contains("42"));

        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", "7");
    }

    @Test
    void follow_followeeWhoseOutboxRedisLost_dropsTheLiveInbox_soTheNextReadRebuildsIt() {
        long reader = newId();
        long followee = newId(); // no outbox key: never posted, or lost with Redis; only Cassandra knows
        activate(redis, reader, inboxConfig.ttl());
        inbox(reader, 5, T0 + 5);

        follow(reader, followee, "push");
        await("dropped", () -> !exists(redis, InboxStore.key(reader)));

        assertThat(exists(redis, InboxStore.floorKey(reader))).isFalse();
    }

    @Test
    void follow_outboxWithoutItsSentinel_mergesIt_andRaisesTheInboxFloorToItsOldestPost() {
        long reader = newId();
        long followee = newId();
        activate(redis, reader, inboxConfig.ttl());
        inbox(reader, 5, T0 - 100); // older than anything the partial outbox vouches for
        partialOutbox(followee, List.of(61L, 62L), T0);

        follow(reader, followee, "push");
        await("merged", () -> members(redis, InboxStore.key(reader)).contains("62"));

        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", "5", "61", "62");
        assertThat(floorOf(reader)).as("reads go to Cassandra below the outbox's oldest post").isEqualTo(T0 + ".61");
    }

    @Test
    void tierChangedToPush_mergesThePullPeriodPostsIntoEveryLiveFollowerInbox_thenBroadcasts() {
        long author = newId();
        long active = newId();
        long otherActive = newId();
        long inactive = newId();
        relationClient.author(author, "push", List.of(active, otherActive, inactive));
        activate(redis, active, inboxConfig.ttl());
        activate(redis, otherActive, inboxConfig.ttl());
        inbox(active, 71, T0 - 1); // pushed before the author entered the pull tier
        outbox(author, List.of(71L, 72L, 73L, 74L), T0 - 1); // 72-74 posted in the pull period: never pushed

        Map<String, Object> event = envelope("author.tier-changed");
        event.put("authorId", Long.toString(author));
        event.put("tier", "push");
        event.put("followerCount", 3);
        send(kafka, topics.relations(), Long.toString(author), event, json);
        awaitRecord(kafka, topics.hotcacheChanges(), r -> Long.toString(author).equals(r.key()));

        assertThat(members(redis, InboxStore.key(active))).as("merged before the broadcast").containsExactly("0", "71", "72", "73", "74");
        assertThat(members(redis, InboxStore.key(otherActive))).containsExactly("0", "71", "72", "73", "74");
        assertThat(exists(redis, InboxStore.key(inactive))).as("inactive readers are rebuilt by pull").isFalse();
    }

    @Test
    void tierChanged_broadcastsAHotCacheChange() throws Exception {
        long author = newId();
        Map<String, Object> event = envelope("author.tier-changed");
        event.put("authorId", Long.toString(author));
        event.put("tier", "pull");
        event.put("followerCount", 250_000);

        send(kafka, topics.relations(), Long.toString(author), event, json);
        ConsumerRecord<String, String> change = awaitRecord(kafka, topics.hotcacheChanges(), r -> Long.toString(author).equals(r.key()));

        JsonNode body = json.readTree(change.value());
        assertThat(body.path("type").asText()).isEqualTo("hotcache.changed");
        assertThat(body.path("version").asInt()).isEqualTo(1);
        assertThat(body.path("authorId").asText()).isEqualTo(Long.toString(author));
        assertThat(body.path("reason").asText()).isEqualTo("tier");
        assertThat(body.path("eventId").asText()).isNotBlank();
        assertThat(body.path("occurredAt").asText()).isNotBlank();
    }

    private RecordMetadata follow(long follower, long followee, String tier) {
        Map<String, Object> event = envelope("relation.followed");
        event.put("followerId", Long.toString(follower));
        event.put("followeeId", Long.toString(followee));
        event.put("followeeTier", tier);
        return send(kafka, topics.relations(), follower + ":" + followee, event, json);
    }

    private void unfollow(long follower, long followee) {
        Map<String, Object> event = envelope("relation.unfollowed");
        event.put("followerId", Long.toString(follower));
        event.put("followeeId", Long.toString(followee));
        send(kafka, topics.relations(), follower + ":" + followee, event, json);
    }

    /** What feed-service's publish does: the sentinel plus posts scored by createdAt (T0 + position). */
    private void outbox(long author, List<Long> posts, long t0) {
        List<Request> writes = new ArrayList<>();
        writes.add(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(0).arg("0"));
        for (int i = 0; i < posts.size(); i++) {
            writes.add(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(t0 + i).arg(Long.toString(posts.get(i))));
        }
        writes.add(Request.cmd(Command.EXPIRE).arg(Outboxes.key(author)).arg(600));
        redis.batch(writes).await().indefinitely();
    }

    /** An outbox Redis recreated without its sentinel (the state feed-service reads as partial). */
    private void partialOutbox(long author, List<Long> posts, long t0) {
        List<Request> writes = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            writes.add(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(t0 + i).arg(Long.toString(posts.get(i))));
        }
        writes.add(Request.cmd(Command.EXPIRE).arg(Outboxes.key(author)).arg(600));
        redis.batch(writes).await().indefinitely();
    }

    private String floorOf(long reader) {
        return redis.send(Request.cmd(Command.GET).arg(InboxStore.floorKey(reader))).await().indefinitely().toString();
    }

    private void inbox(long reader, long post, long createdAt) {
        redis.send(Request.cmd(Command.ZADD).arg(InboxStore.key(reader)).arg(createdAt).arg(Long.toString(post)))
                .await().indefinitely();
    }

    private long score(long reader, String member) {
        return redis.send(Request.cmd(Command.ZSCORE).arg(InboxStore.key(reader)).arg(member)).await().indefinitely().toDouble().longValue();
    }
}
