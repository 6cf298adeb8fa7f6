package dev.feed.fanout.kafka;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.await;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.envelope;
import static dev.feed.fanout.support.Fixtures.members;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static dev.feed.fanout.support.TopicReader.awaitRecord;
import static dev.feed.fanout.support.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.merge.Outboxes;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 6: a post or relation event that fails every attempt for a non-transient reason
 * lands on its dead-letter topic after the retries, and the events behind it on the same
 * partition (same key, so strictly after it) are still worked.
 */
@QuarkusTest
class PoisonEventsTest {
    private static final long T0 = 1_700_000_000_000L;

    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    FanoutConfig fanoutConfig;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    ProgressStore progress;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;
    @Inject
    @RestClient
    FakeRelationClient relations;

    @Test
    void postEvent_thatAlwaysFails_goesToThePostsDlqAfterRetries_andTheAuthorsNextPostIsStillPushed() throws Exception {
        long author = newId();
        long reader = newId();
        long poison = newId();
        long next = newId();
        relations.author(author, "push", List.of(reader));
        activate(redis, reader, inboxConfig.ttl());
        // A non-hash value under the poison post's progress key fails every dispatch of it with WRONGTYPE.
        redis.send(Request.cmd(Command.SET).arg(ProgressStore.key(poison, FanoutOp.PUSH)).arg("not-a-hash").arg("EX").arg(600))
                .await().indefinitely();

        RecordMetadata poisonAt = send(kafka, topics.posts(), Long.toString(author),
                postEvent("post.published", poison, author, T0), json);
        RecordMetadata nextAt = send(kafka, topics.posts(), Long.toString(author),
                postEvent("post.published", next, author, T0 + 1), json);
        ConsumerRecord<String, String> dead = awaitRecord(kafka, topics.postsDlq(),
                r -> r.value().contains("\"" + poison + "\""));

        assertThat(nextAt.partition()).as("same key, same partition: the next post is behind the poison one").isEqualTo(poisonAt.partition());
        assertThat(json.readTree(dead.value()).path("postId").asText()).isEqualTo(Long.toString(poison));
        assertThat(dead.key()).isEqualTo(Long.toString(author));
        assertThat(header(dead, "x-attempts")).contains(Integer.toString(fanoutConfig.maxAttempts()));
        assertThat(header(dead, "x-error-message")).hasValueSatisfying(m -> assertThat(m).contains("WRONGTYPE"));
        assertThat(header(dead, "x-original-topic")).contains(topics.posts());
        assertThat(header(dead, "x-original-offset")).contains(Long.toString(poisonAt.offset()));
        awaitComplete(() -> progress.read(next, FanoutOp.PUSH).await().indefinitely());
        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", Long.toString(next));
    }

    @Test
    void malformedPostEvent_goesToThePostsDlqWithoutRetries_insteadOfBeingDropped() {
        String key = Long.toString(newId());

        kafka.send(new ProducerRecord<>(topics.posts(), key, "{\"type\":\"post.published\",")).await().atMost(Duration.ofSeconds(30));
        ConsumerRecord<String, String> dead = awaitRecord(kafka, topics.postsDlq(), r -> key.equals(r.key()));

        assertThat(header(dead, "x-attempts")).contains("1");
        assertThat(dead.value()).isEqualTo("{\"type\":\"post.published\",");
    }

    @Test
    void relationEvent_thatAlwaysFails_goesToTheRelationsDlqAfterRetries_andTheNextEventOfItsKeyIsMerged() {
        long reader = newId();
        long followee = newId();
        String key = reader + ":" + followee;
        activate(redis, reader, inboxConfig.ttl());
        outbox(followee, List.of(81L, 82L));
        Map<String, Object> poison = envelope("relation.unfollowed");
        poison.put("followerId", "not-a-number");
        poison.put("followeeId", Long.toString(followee));
        Map<String, Object> follow = envelope("relation.followed");
        follow.put("followerId", Long.toString(reader));
        follow.put("followeeId", Long.toString(followee));
        follow.put("followeeTier", "push");

        send(kafka, topics.relations(), key, poison, json);
        send(kafka, topics.relations(), key, follow, json);
        ConsumerRecord<String, String> dead = awaitRecord(kafka, topics.relationsDlq(), r -> key.equals(r.key()));

        assertThat(dead.value()).contains("not-a-number");
        assertThat(header(dead, "x-attempts")).contains(Integer.toString(fanoutConfig.maxAttempts()));
        assertThat(header(dead, "x-error-class")).contains(NumberFormatException.class.getName());
        assertThat(header(dead, "x-original-topic")).contains(topics.relations());
        await("the follow behind the poison event merged", () -> members(redis, InboxStore.key(reader)).contains("82"));
        assertThat(members(redis, InboxStore.key(reader))).containsExactly("0", "81", "82");
    }

    @Test
    void outage_isNotPoison_butAClientError_is() {
        assertThat(PoisonGuard.isTransient(new java.net.ConnectException("refused"))).isTrue();
        assertThat(PoisonGuard.isTransient(new RuntimeException(new java.util.concurrent.TimeoutException()))).isTrue();
        assertThat(PoisonGuard.isTransient(new jakarta.ws.rs.WebApplicationException(503))).isTrue();
        assertThat(PoisonGuard.isTransient(new jakarta.ws.rs.WebApplicationException(400))).isFalse();
        assertThat(PoisonGuard.isTransient(new NumberFormatException("x"))).isFalse();
    }

    private void outbox(long author, List<Long> posts) {
        List<Request> writes = new java.util.ArrayList<>();
        writes.add(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(0).arg("0"));
        for (int i = 0; i < posts.size(); i++) {
            writes.add(Request.cmd(Command.ZADD).arg(Outboxes.key(author)).arg(T0 + i).arg(Long.toString(posts.get(i))));
        }
        writes.add(Request.cmd(Command.EXPIRE).arg(Outboxes.key(author)).arg(600));
        redis.batch(writes).await().indefinitely();
    }
}
