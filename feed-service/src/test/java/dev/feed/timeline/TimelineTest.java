package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PostStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TimelineTest {
    @Inject
    PostStore posts;
    @Inject
    OutboxStore outbox;
    @Inject
    Redis redis;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    HotCache hotCache;
    @Inject
    MeterRegistry registry;

    @Inject
    Fixture fx;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void timeline_withoutToken_is401Problem() {
        given().get("/v1/timeline").then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
    }

    @Test
    void timeline_badLimitOrCursor_is400ProblemSayingWhatWasWrong() {
        long reader = newUser();
        for (String limit : List.of("0", "101", "abc", "-1")) {
            Fixture.as(reader).queryParam("limit", limit).get("/v1/timeline").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("limit"));
        }
        for (String cursor : List.of("abc", "12.", ".12", "1.2.3", "-1.5", "1700000000000.0")) {
            Fixture.as(reader).queryParam("cursor", cursor).get("/v1/timeline").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("cursor"));
        }
    }

    @Test
    void timeline_newReaderWhoFollowsNobody_isEmptyWithNullCursor_andActivatesTheInbox() {
        long reader = newUser();
        JsonPath page = page(reader, 20, null);
        assertThat(page.getList("items")).isEmpty();
        assertThat(page.getString("nextCursor")).isNull();
        assertThat(fx.inboxExists(reader)).isTrue();
        assertThat(fx.inboxTtlMillis(reader)).isGreaterThan(inboxConfig.ttl().toMillis() - 60_000);
    }

    @Test
    void timeline_laterReadsWithinTheRefreshInterval_doNotRewriteTheActivityTtl() {
        long reader = newUser();
        page(reader, 20, null); // first read: rebuilt, TTL set
        assertThat(fx.inboxTtlMillis(reader)).isGreaterThan(inboxConfig.ttl().toMillis() - 60_000);
        fx.expireInboxIn(reader, Duration.ofMinutes(10));

        page(reader, 20, null);
        assertThat(fx.inboxTtlMillis(reader)).as("refreshed at most once per %s", inboxConfig.refreshInterval())
                .isBetween(1L, Duration.ofMinutes(10).toMillis());
    }

    @Test
    void timeline_mergesInboxPulledAuthorsAndOwnPosts_inExactOrder_withAuthorProfiles() {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        page(reader, 20, null); // first read: the inbox becomes live, so fanout pushes reach it

        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(fx.publish(pushAuthor, reader));
            expected.add(fx.publish(pullAuthor));          // pull tier: never pushed
            expected.add(fx.publish(reader));              // own post: delivered to the reader's own inbox
        }
        expected.add(fx.publishSameMillisecond(pullAuthor));
        expected.add(fx.publishSameMillisecond(pushAuthor, reader));

        JsonPath page = page(reader, 50, null);
        assertThat(ids(page)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(page.getString("nextCursor")).isNull();
        assertThat(page.getString("items[0].author.handle")).startsWith("h");
        assertThat(page.getString("items[0].createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(hotCache.isResident(pullAuthor)).as("pull-tier authors are pinned in the hot cache").isTrue();
    }

    @Test
    void timeline_pullTierAuthor_isMergedNotPushed_evenOnceResidentInTheHotCache() {
        long reader = newUser();
        long celebrity = newUser();
        relation.followPull(reader, celebrity);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(fx.publish(celebrity));
        }
        assertThat(ids(page(reader, 20, null))).containsExactlyElementsOf(newestFirst(expected));
        Fixture.eventually(5_000, () -> hotCache.peek(celebrity).isPresent(), "celebrity loaded into the hot cache");
        long hitsBefore = hotCache.stats().hits();

        assertThat(ids(page(reader, 20, null))).containsExactlyElementsOf(newestFirst(expected));
        assertThat(hotCache.stats().hits()).isGreaterThan(hitsBefore);
    }

    @Test
    void timeline_equalMillisecondPosts_pageExactlyWithoutDuplicatesOrSkips() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a).followPull(reader, b);
        page(reader, 1, null);
        List<PostRef> expected = new ArrayList<>();
        expected.add(fx.publish(a, reader));
        for (int i = 0; i < 6; i++) {
            expected.add(fx.publishSameMillisecond(i % 2 == 0 ? a : b, reader));
        }
        expected.add(fx.publish(b));
        for (int i = 0; i < 4; i++) {
            expected.add(fx.publishSameMillisecond(a, reader));
        }

        for (int limit : List.of(1, 2, 3, 5)) {
            assertThat(all(reader, limit)).as("limit %d", limit).containsExactlyElementsOf(newestFirst(expected));
        }
    }

    @Test
    void timeline_pagingWhilePostsArePublished_noDuplicateAndNoSkip() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a).followPull(reader, b);
        page(reader, 1, null);
        List<PostRef> existing = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            existing.add(i % 3 == 0 ? fx.publish(b) : fx.publish(i % 2 == 0 ? a : reader, reader));
        }

        List<Long> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath p = page(reader, 7, cursor);
            seen.addAll(ids(p));
            cursor = p.getString("nextCursor");
            fx.publish(a, reader); // newer posts keep arriving between pages
            fx.publish(b);
        } while (cursor != null);

        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(existing));
    }

    @Test
    void timeline_deletedPost_isGoneAtOnce_whateverTheInboxStillHolds() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a).followPull(reader, b);
        page(reader, 1, null);
        PostRef keptA = fx.publish(a, reader);
        PostRef deletedA = fx.publish(a, reader);
        PostRef deletedB = fx.publish(b);
        PostRef keptB = fx.publish(b);
        assertThat(ids(page(reader, 20, null))).contains(deletedA.postId(), deletedB.postId());

        fx.tombstone(deletedA.postId());
        fx.tombstone(deletedB.postId());

        assertThat(ids(page(reader, 20, null))).containsExactly(keptB.postId(), keptA.postId());
    }

    @Test
    void timeline_deletedPostsFillingAWholePage_stillReturnAFullPageOfOlderPosts() {
        long reader = newUser();
        long a = newUser();
        relation.followPush(reader, a);
        page(reader, 1, null);
        List<PostRef> older = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            older.add(fx.publish(a, reader));
        }
        for (int i = 0; i < 15; i++) {
            fx.tombstone(fx.publish(a, reader).postId()); // more than the slack: forces a second round
        }
        assertThat(ids(page(reader, 3, null))).containsExactlyElementsOf(newestFirst(older).subList(0, 3));
    }

    @Test
    void timeline_unfollowedAuthor_leavesWithinSeconds() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a).followPull(reader, b);
        page(reader, 1, null);
        PostRef fromA = fx.publish(a, reader);
        PostRef fromB = fx.publish(b);
        assertThat(ids(page(reader, 20, null))).containsExactly(fromB.postId(), fromA.postId());

        relation.unfollow(reader, a); // the inbox still holds a's post: the read must drop it
        announceUnfollow(reader, a);   // what relation-service's relay emits for it

        // the deadline is the "within seconds" (the followee cache's invalidation, not its 30 s TTL)
        Fixture.eventually(6_000, () -> !ids(page(reader, 20, null)).contains(fromA.postId()), "a's post gone");
        assertThat(ids(page(reader, 20, null))).containsExactly(fromB.postId());
    }

    @Test
    void timeline_missingInbox_isRebuiltOnce_underConcurrentFirstReads_andTheFirstPageIsComplete() throws Exception {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        long cold = newUser();
        relation.followPush(reader, a, b, cold);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add(fx.publish(a, reader)); // reader inactive: no inbox, so nothing is pushed
            expected.add(fx.publish(b, reader));
            expected.add(fx.durable(cold));    // outbox lost (e.g. Redis restart): only Cassandra has it
        }
        assertThat(fx.inboxExists(reader)).isFalse();
        double rebuildsBefore = registry.timer("feed.timeline.inbox.rebuild").count();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<Long>>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(() -> ids(page(reader, 50, null)));
            }
            for (Future<List<Long>> f : pool.invokeAll(reads)) {
                assertThat(f.get()).containsExactlyElementsOf(newestFirst(expected));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.timer("feed.timeline.inbox.rebuild").count() - rebuildsBefore).isEqualTo(1.0);
        assertThat(fx.inboxExists(reader)).isTrue();

        PostRef later = fx.publish(a, reader); // the rebuilt inbox is live: fanout reaches it again
        assertThat(ids(page(reader, 1, null))).containsExactly(later.postId());
    }

    @Test
    void timeline_pagesAreStrictlyNewestFirst_andCursorsAreTimestampDotId() {
        long reader = newUser();
        long a = newUser();
        relation.followPush(reader, a);
        page(reader, 1, null);
        Set<Long> published = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            published.add(fx.publish(a, reader).postId());
        }
        JsonPath first = page(reader, 2, null);
        List<Long> firstIds = ids(first);
        String cursor = first.getString("nextCursor");
        PostRef last = new PostRef(firstIds.get(1), dev.feed.post.SnowflakeIds.millisOf(firstIds.get(1)));
        assertThat(cursor).isEqualTo(last.createdAtMillis() + "." + last.postId());
        assertThat(published).containsAll(firstIds);
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrap;
    @Inject
    TimelineConfig timelineConfig;

    private void announceUnfollow(long follower, long followee) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", kafkaBootstrap);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(timelineConfig.relationsTopic(), follower + ":" + followee,
                    "{\"eventId\":\"" + java.util.UUID.randomUUID() + "\",\"type\":\"relation.unfollowed\",\"version\":1,"
                            + "\"followerId\":\"" + follower + "\",\"followeeId\":\"" + followee + "\"}"));
            producer.flush();
        }
    }
}
