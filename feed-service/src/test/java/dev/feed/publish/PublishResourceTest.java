package dev.feed.publish;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PostStore;
import dev.feed.relation.RelationClient;
import dev.feed.testing.FakeRelation;
import dev.feed.testing.RawHttp;
import dev.feed.testing.Tokens;
import dev.feed.timeline.HomeInboxStore;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
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
import org.awaitility.Awaitility;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PublishResourceTest {
    @Inject
    PostStore posts;
    @Inject
    OutboxStore outbox;
    @Inject
    Redis redis;

    private final FakeRelation relation = new FakeRelation();
    private long author;
    private String token;

    @BeforeEach
    void setUp() {
        QuarkusMock.installMockForType(relation.client(), RelationClient.class, RestClient.LITERAL);
        author = Tokens.newUserId();
        token = Tokens.token(author);
        relation.profile(author, "ada", "Ada Lovelace");
    }

    @Test
    void publish_valid_is201WithLocationAuthorAndMillisecondTimestamp() {
        Response r = publish(token, "{\"text\":\"hello world\"}", null);
        r.then().statusCode(201)
                .header("Location", matchesPattern(".*/v1/posts/[0-9]+$"))
                .body("id", matchesPattern("[0-9]+"))
                .body("text", equalTo("hello world"))
                .body("author.id", equalTo(Long.toString(author)))
                .body("author.handle", equalTo("ada"))
                .body("author.displayName", equalTo("Ada Lovelace"))
                .body("createdAt", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
        long id = Long.parseLong(r.path("id"));
        given().auth().oauth2(token).get("/v1/posts/" + id).then().statusCode(200).body("text", equalTo("hello world"));
        assertThat(outbox.recent(author, 5).await().indefinitely()).extracting(PostRef::postId).contains(id);
    }

    @Test
    void publish_500CodePointsOfEmoji_isAccepted_501IsRejected() {
        String ok = "😀".repeat(500);
        publish(token, "{\"text\":\"" + ok + "\"}", null).then().statusCode(201);
        publish(token, "{\"text\":\"" + ok + "x\"}", null).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("500"));
    }

    @Test
    void publish_blankMissingOrWrongType_is400SayingWhy() {
        publish(token, "{\"text\":\"   \"}", null).then().statusCode(400).body("detail", containsString("blank"));
        publish(token, "{}", null).then().statusCode(400).body("detail", containsString("text"));
        publish(token, "{\"text\":\"\"}", null).then().statusCode(400).body("detail", containsString("blank"));
        publish(token, "{\"text\":[1]}", null).then().statusCode(400).contentType("application/problem+json");
        publish(token, "{\"text\":\"x\",\"extra\":1}", null).then().statusCode(400).body("detail", containsString("extra"));
        publish(token, "not json", null).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void publish_withoutToken_is401() {
        given().contentType(ContentType.JSON).body("{\"text\":\"x\"}").post("/v1/posts").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void publish_idempotencyKeyTooLong_is400() {
        publish(token, "{\"text\":\"x\"}", "k".repeat(65)).then().statusCode(400).body("detail", containsString("Idempotency-Key"));
    }

    /**
     * Sent over a raw socket, byte for byte. HTAB and U+0085 (a C1 control, byte 0x85) are legal in
     * an HTTP header value and reach the resource, which refuses them with a problem naming the key.
     * Other C0 controls and DEL never get that far: the HTTP layer (Netty's header validation, then
     * Vert.x's invalid-request handler, which Quarkus offers no way to replace) answers 400 with no
     * body and closes. Either way nothing is published.
     */
    @Test
    void publish_idempotencyKeyWithAControlCharacter_is400_aProblemWhereverTheServiceSeesIt_andNothingIsPublished() throws Exception {
        for (String key : List.of("ab\tcd", "ab\u0085cd", "ab\u0001cd", "ab\u007fcd")) {
            char control = key.charAt(2);
            String text = "control " + Integer.toHexString(control) + " " + System.nanoTime();
            RawHttp.Answer answer = RawHttp.send("POST /v1/posts HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + key + "\r\n", "{\"text\":\"" + text + "\"}");
            assertThat(answer.status()).as("key with U+%04X", (int) control).isEqualTo(400);
            if (control == '\t' || control == '\u0085') {
                assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(answer.body()).contains("\"status\":400").contains("Idempotency-Key")
                        .contains(String.format("U+%04X", (int) control));
            }
            assertThat(posts.byAuthor(author, null, 50).await().indefinitely()).noneMatch(p -> p.text().equals(text));
        }
    }

    @Test
    void publish_sameIdempotencyKeyUnderConcurrentRetries_makesOnePost() throws Exception {
        String key = "retry-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> publish(token, "{\"text\":\"once\"}", key).then().statusCode(201).extract().path("id"));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
            long id = Long.parseLong(ids.iterator().next());
            assertThat(posts.byAuthor(author, null, 10).await().indefinitely()).extracting(p -> p.id()).containsExactly(id);
        } finally {
            pool.shutdownNow();
        }
        // The same key from another user is another post.
        long other = Tokens.newUserId();
        String otherId = publish(Tokens.token(other), "{\"text\":\"once\"}", key).then().statusCode(201).extract().path("id");
        assertThat(otherId).isNotEqualTo(posts.byAuthor(author, null, 1).await().indefinitely().get(0).id() + "");
    }

    @Test
    void publish_bodyOverTheLimit_is413Problem() {
        publish(token, "{\"text\":\"" + "x".repeat(20_000) + "\"}", null).then().statusCode(413)
                .contentType("application/problem+json").body("status", equalTo(413)).body("detail", containsString("16384 bytes"));
    }

    @Test
    void publish_overTheRateLimit_is429WithRetryAfter() {
        int statusOfLast = 0;
        String retryAfter = null;
        // Stops at the first 429; the bound only matters on a machine so slow that the bucket's
        // refill (1/s) keeps up with sequential publishes for a while.
        for (int i = 0; i < 300 && statusOfLast != 429; i++) {
            Response r = publish(token, "{\"text\":\"burst " + i + "\"}", null);
            statusOfLast = r.statusCode();
            retryAfter = r.header("Retry-After");
            if (statusOfLast == 429) {
                r.then().contentType("application/problem+json").body("status", equalTo(429));
            }
        }
        assertThat(statusOfLast).isEqualTo(429);
        assertThat(Integer.parseInt(retryAfter)).isPositive();
    }

    @Test
    void delete_byAuthor_is204_thenGone_andAgain204() {
        long id = Long.parseLong(publish(token, "{\"text\":\"to delete\"}", null).then().statusCode(201).extract().path("id"));
        given().auth().oauth2(token).delete("/v1/posts/" + id).then().statusCode(204);
        given().auth().oauth2(token).get("/v1/posts/" + id).then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token).delete("/v1/posts/" + id).then().statusCode(204);
        assertThat(outbox.recent(author, 10).await().indefinitely()).extracting(PostRef::postId).doesNotContain(id);
        assertThat(posts.byAuthor(author, null, 10).await().indefinitely()).extracting(p -> p.id()).doesNotContain(id);
    }

    @Test
    void delete_ofAPostCachedByEarlierReads_isGoneFromTheNextRead() {
        long id = Long.parseLong(publish(token, "{\"text\":\"cached then deleted\"}", null).then().statusCode(201).extract().path("id"));
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).get("/v1/posts/" + id).then().statusCode(200); // now in the local post cache
        }
        given().auth().oauth2(token).delete("/v1/posts/" + id).then().statusCode(204);
        given().auth().oauth2(token).get("/v1/posts/" + id).then().statusCode(404);
    }

    @Test
    void delete_bySomeoneElse_is403_unknown_is404_badId_is400() {
        long id = Long.parseLong(publish(token, "{\"text\":\"mine\"}", null).then().statusCode(201).extract().path("id"));
        String stranger = Tokens.token(Tokens.newUserId());
        given().auth().oauth2(stranger).delete("/v1/posts/" + id).then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(token).delete("/v1/posts/" + (id + 1)).then().statusCode(404);
        given().auth().oauth2(token).delete("/v1/posts/abc").then().statusCode(400).body("detail", containsString("abc"));
        given().auth().oauth2(token).get("/v1/posts/-5").then().statusCode(400);
    }

    @Test
    void userPosts_pagesNewestFirstWithCursor_noDuplicateNoSkip() {
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            published.add(0, publish(token, "{\"text\":\"p" + i + "\"}", null).then().statusCode(201).extract().path("id"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var req = given().auth().oauth2(token).queryParam("limit", 3);
            if (cursor != null) {
                req.queryParam("cursor", cursor);
            }
            Response page = req.get("/v1/users/" + author + "/posts");
            page.then().statusCode(200).body("items", notNullValue());
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(published);
    }

    @Test
    void userPosts_badLimitOrCursor_is400() {
        given().auth().oauth2(token).queryParam("limit", 0).get("/v1/users/" + author + "/posts").then().statusCode(400)
                .body("detail", containsString("limit"));
        given().auth().oauth2(token).queryParam("cursor", "nope").get("/v1/users/" + author + "/posts").then().statusCode(400)
                .body("detail", containsString("cursor"));
    }

    @Test
    void publish_activeAuthor_isDeliveredToTheirOwnInbox_andDeleteTakesItOut() {
        given().auth().oauth2(token).get("/v1/timeline").then().statusCode(200); // first read: the author is active
        long id = Long.parseLong(publish(token, "{\"text\":\"to self\"}", null).then().statusCode(201).extract().path("id"));

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inboxIds(author)).contains(id));
        given().auth().oauth2(token).get("/v1/timeline").then().statusCode(200).body("items[0].id", equalTo(Long.toString(id)));

        given().auth().oauth2(token).delete("/v1/posts/" + id).then().statusCode(204);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(inboxIds(author)).doesNotContain(id));
    }

    @Test
    void publish_inactiveAuthor_createsNoInbox_andTheirFirstReadRebuildsItWithTheirOwnPosts() {
        long id = Long.parseLong(publish(token, "{\"text\":\"before my first read\"}", null).then().statusCode(201).extract().path("id"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(outbox.recent(author, 5).await().indefinitely()).extracting(PostRef::postId).contains(id));
        assertThat(redis.send(Request.cmd(Command.EXISTS).arg(HomeInboxStore.key(author))).await().indefinitely().toInteger())
                .as("delivery to self, like fanout, never creates an inbox").isZero();

        given().auth().oauth2(token).get("/v1/timeline").then().statusCode(200).body("items[0].id", equalTo(Long.toString(id)));
        assertThat(inboxIds(author)).as("the rebuild pulls the reader's own outbox too").contains(id);
    }

    private List<Long> inboxIds(long user) {
        List<Long> ids = new ArrayList<>();
        redis.send(Request.cmd(Command.ZRANGE).arg(HomeInboxStore.key(user)).arg(0).arg(-1)).await().indefinitely()
                .forEach(member -> ids.add(member.toLong()));
        return ids;
    }

    private static Response publish(String token, String body, String idempotencyKey) {
        var req = given().auth().oauth2(token).contentType(ContentType.JSON).body(body);
        if (idempotencyKey != null) {
            req.header("Idempotency-Key", idempotencyKey);
        }
        return req.post("/v1/posts");
    }
}
