package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.eventually;
import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blocks and mutes on the home timeline (issue 17): posts of hidden authors leave within seconds
 * of the relation event and never come back while it lasts, whichever path brought them: push
 * (also one landing after the block), pull tier, rebuild. Real Redis, Cassandra and Kafka (the
 * events go through {@code feed.relations} to the invalidator); relation-service is the fake.
 */
@QuarkusTest
class HiddenAuthorsTimelineTest {
    private static final long WITHIN_MILLIS = 15_000;

    @Inject
    Fixture fx;
    @Inject
    Redis redis;
    @Inject
    TimelineConfig timelineConfig;
    @Inject
    FolloweeCache followees;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrap;

    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void timeline_muteOfPushAuthor_hidesTheirPostsWithinSeconds_alsoAfterARebuild_andUnmuteShowsEveryOneAgain() {
        long reader = newUser();
        long muted = newUser();
        long other = newUser();
        relation.followPush(reader, muted, other);
        page(reader, 1, null);
        List<PostRef> mutedPosts = new ArrayList<>(List.of(fx.publish(muted, reader), fx.publish(muted, reader)));
        List<PostRef> otherPosts = new ArrayList<>(List.of(fx.publish(other, reader), fx.publish(other, reader)));
        assertThat(ids(page(reader, 20, null))).hasSize(4);

        relation.mute(reader, muted);
        announce("relation.muted", "muterId", reader, "mutedId", muted);
        eventually(WITHIN_MILLIS, () -> ids(page(reader, 20, null)).equals(newestFirst(otherPosts)), "muted author's posts gone");

        mutedPosts.add(fx.publish(muted, reader)); // fanout goes on: the reader still follows them
        otherPosts.add(fx.publish(other, reader));
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(otherPosts));
        deleteInbox(reader); // Redis lost the inbox: the rebuild pulls the muted author's outbox too
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(otherPosts));
        followees.invalidateAll(); // cached follow lists expiring changes nothing either
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(otherPosts));

        relation.unmute(reader, muted);
        announce("relation.unmuted", "muterId", reader, "mutedId", muted);
        List<PostRef> everything = new ArrayList<>(mutedPosts);
        everything.addAll(otherPosts);
        eventually(WITHIN_MILLIS, () -> all(reader, 3).equals(newestFirst(everything)), "every post back after the unmute");
    }

    @Test
    void timeline_muteOfPullTierAuthor_hidesTheirPostsOnEveryPage() {
        long reader = newUser();
        long hot = newUser();
        long pushed = newUser();
        relation.followPull(reader, hot).followPush(reader, pushed);
        page(reader, 1, null);
        fx.publish(hot);
        List<PostRef> visible = new ArrayList<>(List.of(fx.publish(pushed, reader)));
        assertThat(ids(page(reader, 20, null))).hasSize(2);

        relation.mute(reader, hot);
        announce("relation.muted", "muterId", reader, "mutedId", hot);
        eventually(WITHIN_MILLIS, () -> ids(page(reader, 20, null)).equals(newestFirst(visible)), "pull-tier author's posts gone");

        for (int i = 0; i < 5; i++) {
            fx.publish(hot);
            visible.add(fx.publish(pushed, reader));
        }
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(visible));
    }

    @Test
    void timeline_blockWhileAFanoutOfTheBlockedAuthorsPostIsInFlight_neverShowsIt() {
        long reader = newUser();
        long blocked = newUser();
        long other = newUser();
        relation.followPush(reader, blocked, other);
        page(reader, 1, null);
        PostRef before = fx.publish(blocked, reader);
        List<PostRef> visible = new ArrayList<>(List.of(fx.publish(other, reader)));
        assertThat(ids(page(reader, 20, null))).contains(before.postId());

        // The block ends the follow edges, but only relation.blocked has arrived here: the two
        // relation.unfollowed events travel on other partitions (other keys) and may come later,
        // so the cached follow list still names the blocked author.
        relation.block(reader, blocked);
        announce("relation.blocked", "blockerId", reader, "blockedId", blocked);
        eventually(WITHIN_MILLIS, () -> ids(page(reader, 20, null)).equals(newestFirst(visible)), "blocked author's posts gone");

        // A fanout batch paged before the block lands now.
        PostRef inFlight = fx.durable(blocked);
        fx.pushToLiveInboxes(inFlight, reader);
        visible.add(fx.publish(other, reader));
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(visible)).doesNotContain(inFlight.postId());
        deleteInbox(reader);
        assertThat(all(reader, 2)).containsExactlyElementsOf(newestFirst(visible));
    }

    @Test
    void timelineSince_leavesOutMutedAndBlockedAuthors_asPagesDo() {
        long reader = newUser();
        long muted = newUser();
        long blocker = newUser();
        long other = newUser();
        relation.followPush(reader, muted, blocker, other);
        relation.mute(reader, muted);
        relation.block(blocker, reader); // the fake ends the follow edge; the inbox still holds what fanout pushed
        page(reader, 1, null);
        PostRef first = fx.publish(other, reader);
        String since = page(reader, 20, null).getString("prevCursor");
        assertThat(since).isNotNull();
        List<PostRef> visible = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fx.publish(muted, reader);
            fx.pushToLiveInboxes(fx.durable(blocker), reader);
            visible.add(fx.publish(other, reader));
        }

        List<Long> above = ids(Fixture.as(reader).queryParam("limit", 20).queryParam("since", since).get("/v1/timeline")
                .then().statusCode(200).extract().jsonPath());
        assertThat(above).containsExactlyElementsOf(newestFirst(visible)).doesNotContain(first.postId());
    }

    @Test
    void timeline_postsOfSomeoneWhoBlocksTheReader_leaveWithinSeconds() {
        long reader = newUser();
        long blocker = newUser();
        relation.followPush(reader, blocker);
        page(reader, 1, null);
        fx.publish(blocker, reader);
        PostRef own = fx.publish(reader);
        assertThat(ids(page(reader, 20, null))).hasSize(2);

        relation.block(blocker, reader);
        announce("relation.blocked", "blockerId", blocker, "blockedId", reader);
        eventually(WITHIN_MILLIS, () -> ids(page(reader, 20, null)).equals(List.of(own.postId())), "blocker's posts gone");
    }

    @Test
    void timeline_cachedHiddenAuthors_costNoRelationCallPerRead() {
        long reader = newUser();
        relation.followPush(reader, newUser());
        page(reader, 5, null);
        int calls = relation.hiddenCalls.get();
        for (int i = 0; i < 5; i++) {
            page(reader, 5, null);
        }
        assertThat(relation.hiddenCalls.get()).isEqualTo(calls);
    }

    private void deleteInbox(long reader) {
        redis.send(Request.cmd(Command.DEL).arg(HomeInboxStore.key(reader))).await().indefinitely();
    }

    /** What relation-service's relay emits for a block or mute: the event on feed.relations, keyed by the pair. */
    private void announce(String type, String firstName, long first, String secondName, long second) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafkaBootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(timelineConfig.relationsTopic(), first + ":" + second,
                    "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"version\":1,"
                            + "\"occurredAt\":\"2026-12-05T09:00:00Z\",\"" + firstName + "\":\"" + first + "\",\""
                            + secondName + "\":\"" + second + "\"}"));
            producer.flush();
        }
    }
}
