package dev.feed.timeline;

import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upward paging: prevCursor on every page and {@code since} on the home timeline and an author's posts. */
@QuarkusTest
class SinceTest {
    @Inject
    Fixture fx;
    @Inject
    Redis redis;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    static JsonPath since(long reader, int limit, String since) {
        return Fixture.as(reader).queryParam("limit", limit).queryParam("since", since).get("/v1/timeline")
                .then().statusCode(200).extract().jsonPath();
    }

    /** Repeats since=<prevCursor> until a page is empty; every page newest first. */
    static List<Long> refreshLoop(long reader, int limit, String from) {
        List<Long> seen = new ArrayList<>();
        String at = from;
        for (int i = 0; i < 1_000; i++) {
            JsonPath page = since(reader, limit, at);
            List<Long> ids = ids(page);
            if (ids.isEmpty()) {
                assertThat(page.getString("prevCursor")).isNull();
                return seen;
            }
            assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(page.getString("prevCursor")).endsWith("." + ids.get(0));
            seen.addAll(ids);
            at = page.getString("prevCursor");
        }
        throw new AssertionError("refresh loop did not end");
    }

    @Test
    void timelinePage_carriesPrevCursorOfItsFirstItem_andNullWhenEmpty() {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        assertThat(page(reader, 20, null).getString("prevCursor")).isNull();
        fx.publish(author, reader);
        PostRef newest = fx.publish(author, reader);
        JsonPath first = page(reader, 20, null);
        assertThat(first.getString("prevCursor")).isEqualTo(newest.createdAtMillis() + "." + newest.postId());
    }

    @Test
    void since_returnsTheItemsClosestAboveThePosition_newestFirst() {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        page(reader, 1, null); // activates the inbox
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            refs.add(i % 2 == 0 ? fx.publish(author, reader) : fx.publishSameMillisecond(author, reader));
        }
        PostRef c = refs.get(1);
        JsonPath page = since(reader, 2, c.createdAtMillis() + "." + c.postId());
        assertThat(ids(page)).containsExactly(refs.get(3).postId(), refs.get(2).postId());
        assertThat(page.getString("prevCursor")).isEqualTo(refs.get(3).createdAtMillis() + "." + refs.get(3).postId());
    }

    @Test
    void sinceLoop_underConcurrentWrites_yieldsEveryNewerItemExactlyOnce_pushPullAndOwn() throws Exception {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        fx.publish(pushAuthor, reader);
        fx.publish(pullAuthor);
        page(reader, 5, null); // activates (rebuilds) the inbox
        fx.publish(reader);
        String start = page(reader, 5, null).getString("prevCursor");

        List<Long> published = new ArrayList<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < 60; i++) {
                long author = switch (i % 3) {
                    case 0 -> pushAuthor;
                    case 1 -> pullAuthor;
                    default -> reader;
                };
                long[] pushedTo = author == pushAuthor ? new long[] {reader} : new long[0]; // pull tier: outbox only; own: self-delivery
                PostRef ref = rnd.nextInt(4) == 0 ? fx.publishSameMillisecond(author, pushedTo) : fx.publish(author, pushedTo);
                synchronized (published) {
                    published.add(ref.postId());
                }
            }
        });
        List<Long> seen = new ArrayList<>();
        String at = start;
        while (!writer.isDone()) {
            JsonPath p = since(reader, 4, at);
            List<Long> ids = ids(p);
            if (!ids.isEmpty()) {
                seen.addAll(ids);
                at = p.getString("prevCursor");
            }
        }
        writer.get();
        seen.addAll(refreshLoop(reader, 4, at));

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(published);
    }

    @Test
    void since_whenRedisCannotVouch_readsCassandraUpward_andIsStillExact() {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        page(reader, 1, null);
        PostRef c = fx.publish(pushAuthor, reader);
        List<Long> newer = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            newer.add((i % 2 == 0 ? fx.publish(pushAuthor, reader) : fx.publish(pullAuthor)).postId());
        }
        // The inbox vouches only from its 5th item up (as after a rebuild with a floor), the pull author's outbox is gone.
        String floorPosition = page(reader, 5, null).getString("nextCursor");
        redis.send(Request.cmd(Command.SET).arg(HomeInboxStore.floorKey(reader)).arg(floorPosition)).await().indefinitely();
        redis.send(Request.cmd(Command.DEL).arg(OutboxStore.key(pullAuthor))).await().indefinitely();

        List<Long> seen = refreshLoop(reader, 3, c.createdAtMillis() + "." + c.postId());
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(newer);
    }

    @Test
    void since_droppingDeletedPosts_stillFillsThePage() {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        page(reader, 1, null);
        PostRef c = fx.publish(author, reader);
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            refs.add(fx.publish(author, reader));
        }
        for (int i = 0; i < 15; i++) {
            fx.tombstone(refs.get(i).postId());
        }
        JsonPath page = since(reader, 3, c.createdAtMillis() + "." + c.postId());
        assertThat(ids(page)).containsExactly(refs.get(17).postId(), refs.get(16).postId(), refs.get(15).postId());
    }

    @Test
    void since_withCursor_orMalformed_is400ProblemNamingIt() {
        long reader = newUser();
        RequestSpecification both = Fixture.as(reader).queryParam("since", "1.2").queryParam("cursor", "1.2");
        both.get("/v1/timeline").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("since"));
        for (String bad : List.of("abc", "12.", "1.2.3", "-1.5", "1700000000000.0")) {
            Fixture.as(reader).queryParam("since", bad).get("/v1/timeline").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("since"));
            Fixture.as(reader).queryParam("since", bad).get("/v1/users/" + reader + "/posts").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("since"));
        }
        Fixture.as(reader).queryParam("since", "1.2").queryParam("cursor", "1.2").get("/v1/users/" + reader + "/posts")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void authorPosts_since_loopYieldsEveryNewerPostOnce_andPagesCarryPrevCursor() {
        long author = newUser();
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add((i % 3 == 2 ? fx.publishSameMillisecond(author) : fx.publish(author)).postId());
        }
        JsonPath first = Fixture.as(author).queryParam("limit", 3).get("/v1/users/" + author + "/posts").then().statusCode(200)
                .extract().jsonPath();
        assertThat(first.getString("prevCursor")).endsWith("." + all.get(6));
        String oldest = Fixture.as(author).queryParam("limit", 100).get("/v1/users/" + author + "/posts").then().statusCode(200)
                .extract().jsonPath().getString("items[6].createdAt");
        String at = java.time.Instant.parse(oldest).toEpochMilli() + "." + all.get(0);
        Set<Long> seen = new HashSet<>();
        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            JsonPath p = Fixture.as(author).queryParam("limit", 2).queryParam("since", at).get("/v1/users/" + author + "/posts")
                    .then().statusCode(200).extract().jsonPath();
            List<Long> ids = ids(p);
            if (ids.isEmpty()) {
                break;
            }
            for (long id : ids) {
                assertThat(seen.add(id)).isTrue();
            }
            order.addAll(ids);
            at = p.getString("prevCursor");
        }
        assertThat(order).containsExactlyInAnyOrderElementsOf(all.subList(1, 7));
    }
}
