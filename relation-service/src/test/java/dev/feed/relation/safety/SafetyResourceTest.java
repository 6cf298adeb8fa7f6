package dev.feed.relation.safety;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;

import dev.feed.relation.Management;
import dev.feed.relation.Db;
import dev.feed.relation.TestUsers;
import dev.feed.relation.event.EventLog;
import dev.feed.relation.event.Relay;
import dev.feed.relation.event.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SafetyResourceTest {
    @Inject
    Pool pool;
    @Inject
    Relay relay;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "feed.relay.topic")
    String topic;
    @TestHTTPResource("/")
    URL base;

    @Test
    void block_endsFollowEdgesBothWays_countsAndEventsAsUnfollows() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);
        follow(bob, alice);

        block(alice, bob);

        assertThat(Db.count(pool, "SELECT count(*) FROM follows WHERE (follower_id = $1 AND followee_id = $2)"
                + " OR (follower_id = $2 AND followee_id = $1)", alice, bob)).isZero();
        for (long user : new long[] {alice, bob}) {
            assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", user)).isZero();
            assertThat(Db.count(pool, "SELECT following_count FROM users WHERE id = $1", user)).isZero();
        }
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob)))
                .containsExactly(EventLog.FOLLOWED, EventLog.BLOCKED, EventLog.UNFOLLOWED);
        assertThat(Db.eventTypes(pool, EventLog.pairKey(bob, alice))).containsExactly(EventLog.FOLLOWED, EventLog.UNFOLLOWED);
    }

    @Test
    void block_twice_isOneBlockAndOneEvent_unblockTwice_oneEvent() {
        long alice = newUser();
        long bob = newUser();

        block(alice, bob);
        block(alice, bob);
        given().auth().oauth2(token(alice)).delete("/v1/users/me/blocks/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).delete("/v1/users/me/blocks/" + bob).then().statusCode(204);

        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob))).containsExactly(EventLog.BLOCKED, EventLog.UNBLOCKED);
        assertThat(Db.count(pool, "SELECT count(*) FROM blocks WHERE blocker_id = $1", alice)).isZero();
    }

    @Test
    void follow_whileABlockExistsEitherWay_is403_afterUnblock_is204() {
        long alice = newUser();
        long bob = newUser();
        block(alice, bob);

        given().auth().oauth2(token(alice)).put("/v1/users/me/following/" + bob).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("blocks"));
        given().auth().oauth2(token(bob)).put("/v1/users/me/following/" + alice).then().statusCode(403)
                .contentType("application/problem+json");
        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", alice)).isZero();

        given().auth().oauth2(token(alice)).delete("/v1/users/me/blocks/" + bob).then().statusCode(204);
        follow(bob, alice);
        assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", alice)).isEqualTo(1);
    }

    @Test
    void block_selfIs400_unknownUserIs404_callerWithoutProfileIs409() {
        long alice = newUser();
        long nobody = TestUsers.newId();
        given().auth().oauth2(token(alice)).put("/v1/users/me/blocks/" + alice).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("yourself"));
        given().auth().oauth2(token(alice)).put("/v1/users/me/mutes/" + alice).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("yourself"));
        given().auth().oauth2(token(alice)).put("/v1/users/me/blocks/" + nobody).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(Long.toString(nobody)));
        given().auth().oauth2(token(alice)).put("/v1/users/me/mutes/" + nobody).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(token(alice)).put("/v1/users/me/blocks/x1").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'x1'"));
        given().auth().oauth2(token(TestUsers.newId())).put("/v1/users/me/blocks/" + alice).then().statusCode(409)
                .contentType("application/problem+json");
        given().put("/v1/users/me/blocks/" + alice).then().statusCode(401);
    }

    @Test
    void blocks_keysetPagedInAscendingIds_lastPageHasNullCursor() {
        long me = newUser();
        List<Long> blocked = new ArrayList<>(LongStream.range(0, 3).map(i -> newUser()).boxed().toList());
        blocked.forEach(b -> block(me, b));
        blocked.sort(Comparator.naturalOrder());

        JsonPath first = given().auth().oauth2(token(me)).queryParam("limit", 2).get("/v1/users/me/blocks")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id", String.class)).containsExactly(str(blocked.subList(0, 2)));
        assertThat(first.getString("items[0].displayName")).isEqualTo("User " + blocked.get(0));
        assertThat(first.getString("nextCursor")).isEqualTo(Long.toString(blocked.get(1)));
        given().auth().oauth2(token(me)).queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                .get("/v1/users/me/blocks").then().statusCode(200)
                .body("items.id", contains(Long.toString(blocked.get(2)))).body("nextCursor", nullValue());
        given().auth().oauth2(token(me)).queryParam("limit", 0).get("/v1/users/me/blocks").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(token(newUser())).get("/v1/users/me/blocks").then().statusCode(200)
                .body("items", empty()).body("nextCursor", nullValue());
    }

    @Test
    void mute_keepsTheFollow_listsAndEmitsOnce_unmuteRemovesIt() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);

        given().auth().oauth2(token(alice)).put("/v1/users/me/mutes/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).put("/v1/users/me/mutes/" + bob).then().statusCode(204);

        assertThat(Db.count(pool, "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2", alice, bob)).isEqualTo(1);
        given().auth().oauth2(token(alice)).get("/v1/users/me/mutes").then().statusCode(200)
                .body("items.id", contains(Long.toString(bob))).body("nextCursor", nullValue());

        given().auth().oauth2(token(alice)).delete("/v1/users/me/mutes/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).delete("/v1/users/me/mutes/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).get("/v1/users/me/mutes").then().statusCode(200).body("items", empty());
        assertThat(Db.eventTypes(pool, EventLog.pairKey(alice, bob)))
                .containsExactly(EventLog.FOLLOWED, EventLog.MUTED, EventLog.UNMUTED);
    }

    @Test
    void hiddenAuthors_listsBlockedBlockedByAndMuted_unknownUserHidesNobody() {
        long me = newUser();
        long iBlock = newUser();
        long blocksMe = newUser();
        long iMute = newUser();
        block(me, iBlock);
        block(blocksMe, me);
        given().auth().oauth2(token(me)).put("/v1/users/me/mutes/" + iMute).then().statusCode(204);

        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/" + me + "/hidden-authors")
                .then().statusCode(200)
                .body("blocked", contains(Long.toString(iBlock)))
                .body("blockedBy", contains(Long.toString(blocksMe)))
                .body("muted", contains(Long.toString(iMute)));
        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/" + TestUsers.newId() + "/hidden-authors")
                .then().statusCode(200).body("blocked", empty()).body("blockedBy", empty()).body("muted", empty());
        Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/users/abc/hidden-authors")
                .then().statusCode(400).contentType("application/problem+json");
        Management.given().get("/internal/v1/users/" + me + "/hidden-authors").then().statusCode(401);
    }

    @Test
    void blockAndFollowRacing_neverLeaveAnEdgeBesideABlock() throws Exception {
        // A follow that checked "no block" just before a block committed must not insert its edge
        // after the block's delete: the pair lock orders the two. Many pairs, both sent at once.
        HttpClient http = HttpClient.newHttpClient();
        List<long[]> pairs = LongStream.range(0, 20).mapToObj(i -> new long[] {newUser(), newUser()}).toList();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (long[] p : pairs) {
            sent.add(http.sendAsync(request("v1/users/me/following/" + p[1], p[0]), HttpResponse.BodyHandlers.ofString()));
            sent.add(http.sendAsync(request("v1/users/me/blocks/" + p[0], p[1]), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            assertThat(f.get().statusCode()).as(f.get().body()).isIn(204, 403);
        }
        for (long[] p : pairs) {
            assertThat(Db.count(pool, "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2", p[0], p[1]))
                    .as("edge %d -> %d beside a block", p[0], p[1]).isZero();
            assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", p[1])).isZero();
        }
    }

    @Test
    void blockAndMuteEvents_reachTheRelationsTopic_onceInOrder_withTheSchemaFields() {
        long alice = newUser();
        long bob = newUser();
        block(alice, bob);
        given().auth().oauth2(token(alice)).delete("/v1/users/me/blocks/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).put("/v1/users/me/mutes/" + bob).then().statusCode(204);
        given().auth().oauth2(token(alice)).delete("/v1/users/me/mutes/" + bob).then().statusCode(204);
        relay.drainNow();

        String key = EventLog.pairKey(alice, bob);
        List<ConsumerRecord<String, String>> records = TopicReader.readAll(bootstrap, topic).stream()
                .filter(r -> key.equals(r.key())).toList();
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("type"))
                .containsExactly(EventLog.BLOCKED, EventLog.UNBLOCKED, EventLog.MUTED, EventLog.UNMUTED);
        JsonPath blocked = JsonPath.from(records.get(0).value());
        assertThat(blocked.getString("blockerId")).isEqualTo(Long.toString(alice));
        assertThat(blocked.getString("blockedId")).isEqualTo(Long.toString(bob));
        assertThat(blocked.getInt("version")).isEqualTo(1);
        JsonPath muted = JsonPath.from(records.get(2).value());
        assertThat(muted.getString("muterId")).isEqualTo(Long.toString(alice));
        assertThat(muted.getString("mutedId")).isEqualTo(Long.toString(bob));
    }

    private HttpRequest request(String path, long caller) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token(caller))
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static void block(long blocker, long blocked) {
        given().auth().oauth2(token(blocker)).put("/v1/users/me/blocks/" + blocked).then().statusCode(204);
    }

    private static String[] str(List<Long> ids) {
        return ids.stream().map(String::valueOf).toArray(String[]::new);
    }
}
