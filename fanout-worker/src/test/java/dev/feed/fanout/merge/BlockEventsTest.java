package dev.feed.fanout.merge;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.await;
import static dev.feed.fanout.support.Fixtures.awaitConsumed;
import static dev.feed.fanout.support.Fixtures.envelope;
import static dev.feed.fanout.support.Fixtures.members;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.FanoutWorker;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * A block as relation-service emits it (issue 17): {@code relation.blocked}, then one
 * {@code relation.unfollowed} per severed edge. The worker unmerges on the unfollows, exactly as
 * for an unfollow, and consumes the block event itself without acting on it.
 */
@QuarkusTest
class BlockEventsTest {
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

    @Test
    void blockOfAMutualFollow_unmergesEachFromTheOthersInbox_andKeepsTheirOwnAndOthersPosts() {
        long alice = newId();
        long bob = newId();
        activate(redis, alice, inboxConfig.ttl());
        activate(redis, bob, inboxConfig.ttl());
        outbox(alice, 101, T0);
        outbox(bob, 201, T0 + 1);
        for (long reader : new long[] {alice, bob}) {
            inbox(reader, 101, T0);
            inbox(reader, 201, T0 + 1);
            inbox(reader, 301, T0 + 2); // a third author's post stays
        }

        event("relation.blocked", alice + ":" + bob, Map.of("blockerId", Long.toString(alice), "blockedId", Long.toString(bob)));
        event("relation.unfollowed", alice + ":" + bob, Map.of("followerId", Long.toString(alice), "followeeId", Long.toString(bob)));
        RecordMetadata last = event("relation.unfollowed", bob + ":" + alice,
                Map.of("followerId", Long.toString(bob), "followeeId", Long.toString(alice)));
        await("both unmerged", () -> !members(redis, InboxStore.key(alice)).contains("201")
                && !members(redis, InboxStore.key(bob)).contains("101"));
        awaitConsumed(kafka, worker.group(RelationEvents.GROUP), last);

        assertThat(members(redis, InboxStore.key(alice))).containsExactly("0", "101", "301");
        assertThat(members(redis, InboxStore.key(bob))).containsExactly("0", "201", "301");
    }

    private RecordMetadata event(String type, String key, Map<String, String> fields) {
        Map<String, Object> event = envelope(type);
        event.putAll(fields);
        return send(kafka, topics.relations(), key, event, json);
    }

    private void outbox(long author, long post, long createdAt) {
        redis.batch(List.of(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(0).arg("0"),
                Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(createdAt).arg(Long.toString(post)),
                Request.cmd(Command.EXPIRE).arg(Outboxes.key(author)).arg(600))).await().indefinitely();
    }

    private void inbox(long reader, long post, long createdAt) {
        redis.send(Request.cmd(Command.ZADD).arg(InboxStore.key(reader)).arg(createdAt).arg(Long.toString(post)))
                .await().indefinitely();
    }
}
