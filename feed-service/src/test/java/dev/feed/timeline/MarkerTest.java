package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.feed.hotcache.PostRef;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET/PUT /v1/timeline/marker (dev.feed.sync) against Cassandra and the reader's Redis timeline. */
@QuarkusTest
class MarkerTest {
    @Inject
    Fixture fx;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    static String pos(PostRef ref) {
        return ref.createdAtMillis() + "." + ref.postId();
    }

    static JsonPath put(long user, String position) {
        return Fixture.as(user).contentType("application/json").body("{\"position\":\"" + position + "\"}")
                .put("/v1/timeline/marker").then().statusCode(200).extract().jsonPath();
    }

    static JsonPath get(long user) {
        return Fixture.as(user).get("/v1/timeline/marker").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void marker_beforeAnyPut_isNullWithZeroUnread() {
        Fixture.as(newUser()).get("/v1/timeline/marker").then().statusCode(200)
                .body("position", nullValue()).body("unreadCount", equalTo(0)).body("updatedAt", nullValue());
    }

    @Test
    void marker_onlyMovesForward_acrossTwoClientsWritingConcurrently() throws Exception {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            refs.add(fx.publish(author));
        }
        assertThat(put(reader, pos(refs.get(5))).getString("position")).isEqualTo(pos(refs.get(5)));
        JsonPath older = put(reader, pos(refs.get(2)));
        assertThat(older.getString("position")).isEqualTo(pos(refs.get(5)));

        // Two devices, each moving through the positions in its own shuffled order.
        List<PostRef> a = new ArrayList<>(refs);
        List<PostRef> b = new ArrayList<>(refs);
        Collections.shuffle(a);
        Collections.shuffle(b);
        CompletableFuture<Void> one = CompletableFuture.runAsync(() -> a.forEach(r -> put(reader, pos(r))));
        CompletableFuture<Void> two = CompletableFuture.runAsync(() -> b.forEach(r -> put(reader, pos(r))));
        CompletableFuture.allOf(one, two).get();
        JsonPath stored = get(reader);
        assertThat(stored.getString("position")).isEqualTo(pos(refs.get(11)));
        assertThat(stored.getString("updatedAt")).isNotNull();
    }

    @Test
    void unreadCount_isExact_mixingInboxAndPullTierOutboxes() {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        Fixture.page(reader, 1, null);
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            refs.add(switch (i % 3) {
                case 0 -> fx.publish(pushAuthor, reader);
                case 1 -> fx.publishSameMillisecond(pullAuthor);
                default -> fx.publish(reader);
            });
        }
        assertThat(put(reader, pos(refs.get(9))).getInt("unreadCount")).isEqualTo(20);
        assertThat(put(reader, pos(refs.get(28))).getInt("unreadCount")).isEqualTo(1);
        assertThat(put(reader, pos(refs.get(29))).getInt("unreadCount")).isZero();
    }

    @Test
    void unreadCount_exactUpToTheCap_pastTheTrimmedInbox_thenSaysThousand() {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        Fixture.page(reader, 1, null);
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 1_005; i++) {
            refs.add(fx.publish(author, reader));
        }
        // The inbox holds the newest 800: below them the count comes from Cassandra.
        assertThat(put(reader, pos(refs.get(0))).getInt("unreadCount")).isEqualTo(1000);
        assertThat(put(reader, pos(refs.get(5))).getInt("unreadCount")).isEqualTo(999);
        assertThat(put(reader, pos(refs.get(300))).getInt("unreadCount")).isEqualTo(704);
        assertThat(get(reader).getInt("unreadCount")).isEqualTo(704);
    }

    @Test
    void put_malformedOrImpossiblePosition_is400Problem() {
        long user = newUser();
        for (String body : List.of("{}", "{\"position\":\"abc\"}", "{\"position\":\"1700000000000.12345\"}")) {
            Fixture.as(user).contentType("application/json").body(body).put("/v1/timeline/marker").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("position"));
        }
    }
}
