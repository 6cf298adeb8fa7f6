package dev.feed.fanout.dispatch;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.count;
import static dev.feed.fanout.support.Fixtures.exists;
import static dev.feed.fanout.support.Fixtures.members;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import dev.feed.fanout.support.Fixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DispatcherTest {
    @Inject
    @RestClient
    FakeRelationClient relations;
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    ProgressStore progress;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    FanoutConfig fanoutConfig;
    @Inject
    MeterRegistry registry;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;

    @Test
    void publish_pushTierAuthor_onlyActiveFollowersGetThePost() {
        long author = newId();
        long post = newId();
        List<Long> followers = followers(2500);
        List<Long> active = everyThird(followers);
        relations.author(author, "push", followers);
        active.forEach(f -> activate(redis, f, inboxConfig.ttl()));

        publish(post, author);
        Progress done = awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        assertThat(done.totalBatches()).as("2500 followers in pages of 1000").isEqualTo(3L);
        assertThat(done.doneBatches()).isEqualTo(3L);
        for (long follower : followers) {
            if (active.contains(follower)) {
                assertThat(members(redis, InboxStore.key(follower))).containsExactly("0", Long.toString(post));
            } else {
                assertThat(exists(redis, InboxStore.key(follower))).as("inactive follower %d gets no inbox", follower).isFalse();
            }
        }
    }

    @Test
    void publish_pullTierAuthor_isNotPushed() {
        long author = newId();
        long post = newId();
        List<Long> followers = followers(50);
        relations.author(author, "pull", followers);
        followers.forEach(f -> activate(redis, f, inboxConfig.ttl()));
        double skipsBefore = count(registry, "feed.fanout.pull.tier.skips");

        publish(post, author);
        Progress done = awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        assertThat(done.totalBatches()).isZero();
        assertThat(done.doneBatches()).isZero();
        assertThat(count(registry, "feed.fanout.pull.tier.skips")).isGreaterThanOrEqualTo(skipsBefore + 1);
        for (long follower : followers) {
            assertThat(members(redis, InboxStore.key(follower))).containsExactly("0");
        }
    }

    @Test
    void publish_authorUnknownToRelationService_completesWithNoBatches() {
        long post = newId();

        publish(post, newId());
        Progress done = awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        assertThat(done.totalBatches()).isZero();
    }

    @Test
    void delete_unpushesThePostFromEveryInbox_andKeepsTheOthers() {
        long author = newId();
        long post = newId();
        long otherPost = newId();
        List<Long> followers = followers(1200);
        List<Long> active = everyThird(followers);
        relations.author(author, "push", followers);
        active.forEach(f -> activate(redis, f, inboxConfig.ttl()));
        publish(otherPost, author);
        publish(post, author);
        awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        send(kafka, topics.posts(), Long.toString(author),
                postEvent("post.deleted", post, author, 1_700_000_000_000L), json);
        Progress removed = awaitComplete(() -> progress.read(post, FanoutOp.UNPUSH).await().indefinitely());

        assertThat(removed.totalBatches()).isEqualTo(2L);
        for (long follower : active) {
            assertThat(members(redis, InboxStore.key(follower))).containsExactly("0", Long.toString(otherPost));
        }
        assertThat(exists(redis, InboxStore.key(followers.get(1)))).as("unpush creates no inbox").isFalse();
    }

    @Test
    void repostEvent_withRepostOf_isPushedAsThePostOfTheReposter_andItsDeleteUnpushesIt() {
        long reposter = newId();
        long repost = newId();
        long original = newId();
        List<Long> followers = followers(30);
        relations.author(reposter, "push", followers);
        followers.forEach(f -> activate(redis, f, inboxConfig.ttl()));
        java.util.Map<String, Object> event = postEvent("post.published", repost, reposter, System.currentTimeMillis());
        event.put("repostOf", Long.toString(original)); // schema/events post.published v1, optional since issue 17

        send(kafka, topics.posts(), Long.toString(reposter), event, json);
        Progress done = awaitComplete(() -> progress.read(repost, FanoutOp.PUSH).await().indefinitely());

        assertThat(done.doneBatches()).isEqualTo(done.totalBatches()).isEqualTo(1L);
        for (long follower : followers) {
            // the inbox holds the repost's id; the original joins a page only through hydration of the repost
            assertThat(members(redis, InboxStore.key(follower))).containsExactly("0", Long.toString(repost));
        }
        send(kafka, topics.posts(), Long.toString(reposter), postEvent("post.deleted", repost, reposter, 1_700_000_000_000L), json);
        awaitComplete(() -> progress.read(repost, FanoutOp.UNPUSH).await().indefinitely());
        for (long follower : followers) {
            assertThat(members(redis, InboxStore.key(follower))).containsExactly("0");
        }
    }

    private void publish(long post, long author) {
        send(kafka, topics.posts(), Long.toString(author),
                postEvent("post.published", post, author, System.currentTimeMillis()), json);
    }

    static List<Long> followers(int n) {
        List<Long> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Fixtures.newId());
        }
        return ids;
    }

    static List<Long> everyThird(List<Long> ids) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 3) {
            out.add(ids.get(i));
        }
        return out;
    }
}
