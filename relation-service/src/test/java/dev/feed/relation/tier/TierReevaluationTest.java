package dev.feed.relation.tier;

import static dev.feed.relation.TestUsers.INTERNAL_TOKEN;
import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.relation.Management;
import dev.feed.relation.Db;
import dev.feed.relation.event.EventLog;
import dev.feed.relation.event.Relay;
import dev.feed.relation.event.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Tiers set under other thresholds than the ones the service now runs with (pull at 3, push
 * again below 2) are moved by a re-evaluation, with the same events a follow crossing a
 * threshold writes. Batches of 7 users, so every run spans several transactions.
 */
@QuarkusTest
@TestProfile(TierReevaluationTest.SmallTiersSmallBatches.class)
class TierReevaluationTest {
    public static class SmallTiersSmallBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.tier.pull-at", "3", "feed.tier.push-below", "2", "feed.tier.reevaluate-batch-size", "7");
        }
    }

    @Inject
    Pool pool;
    @Inject
    Relay relay;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "feed.relay.topic")
    String topic;

    /** Authors with 3, 1, 2, 2 and 4 followers, whose stored tiers are what pull-at 10000 / push-below 1 had given them. */
    private record Graph(long three, long one, long twoPull, long twoPush, long four, long seqBefore) {
    }

    /**
     * Follows go through the API (real counts and edges); the tiers the old thresholds gave are
     * then written back in SQL, as a seed or an earlier configuration would have left them.
     */
    private Graph graphFromOtherThresholds() {
        List<Long> fans = LongStream.range(0, 4).map(i -> newUser()).boxed().toList();
        long three = withFollowers(fans, 3);
        long one = withFollowers(fans, 1);
        long twoPull = withFollowers(fans, 2);
        long twoPush = withFollowers(fans, 2);
        long four = withFollowers(fans, 4);
        setTier(three, "push");
        setTier(one, "pull");
        setTier(twoPull, "pull");
        setTier(twoPush, "push");
        setTier(four, "pull");
        long seq = Db.count(pool, "SELECT coalesce(max(seq), 0) FROM relation_events");
        return new Graph(three, one, twoPull, twoPush, four, seq);
    }

    @Test
    void reevaluate_movesEveryAuthorWhoseTierDisagrees_oneTierEventEach_bandKeptWithHysteresis() {
        Graph g = graphFromOtherThresholds();

        JsonPath result = reevaluate("").statusCode(200).extract().jsonPath();

        assertThat(result.getLong("pullAt")).isEqualTo(3);
        assertThat(result.getLong("pushBelow")).isEqualTo(2);
        assertThat(result.getBoolean("hysteresis")).isTrue();
        assertThat(result.getLong("scanned")).isGreaterThanOrEqualTo(9);
        assertThat(result.getLong("toPull")).isGreaterThanOrEqualTo(1);
        assertThat(result.getLong("toPush")).isGreaterThanOrEqualTo(1);
        assertThat(tier(g.three())).isEqualTo("pull");
        assertThat(tier(g.one())).isEqualTo("push");
        assertThat(tier(g.twoPull())).as("between the thresholds the tier holds").isEqualTo("pull");
        assertThat(tier(g.twoPush())).isEqualTo("push");
        assertThat(tier(g.four())).isEqualTo("pull");
        assertThat(tierEventsSince(g.seqBefore(), g.three())).containsExactly("pull@3");
        assertThat(tierEventsSince(g.seqBefore(), g.one())).containsExactly("push@1");
        assertThat(tierEventsSince(g.seqBefore(), g.twoPull())).isEmpty();
        assertThat(tierEventsSince(g.seqBefore(), g.twoPush())).isEmpty();
        assertThat(tierEventsSince(g.seqBefore(), g.four())).isEmpty();

        long seqAfterFirst = Db.count(pool, "SELECT coalesce(max(seq), 0) FROM relation_events");
        reevaluate("").statusCode(200);
        for (long author : List.of(g.three(), g.one(), g.twoPull(), g.twoPush(), g.four())) {
            assertThat(tierEventsSince(seqAfterFirst, author)).as("a second run finds nothing left to move").isEmpty();
        }
    }

    @Test
    void reevaluateWithoutHysteresis_putsTheBandInPush_asAFreshSeedWould() {
        Graph g = graphFromOtherThresholds();

        reevaluate("?hysteresis=false").statusCode(200);

        assertThat(result(g)).containsExactly("pull", "push", "push", "push", "pull");
        assertThat(tierEventsSince(g.seqBefore(), g.twoPull())).containsExactly("push@2");
    }

    @Test
    void reevaluatedEvents_areTheEventsAFollowWrites_andTheRelayPublishesThemOnceKeyedByAuthor() {
        Graph g = graphFromOtherThresholds();

        reevaluate("").statusCode(200);
        relay.drainNow();

        String key = Long.toString(g.three());
        Row written = Db.rows(pool, "SELECT event_id::text, payload::text FROM relation_events WHERE partition_key = $1 AND seq > $2",
                key, g.seqBefore()).get(0);
        // The follow that first made this author pull (under pull-at 3) wrote the reference event.
        Row byFollow = Db.rows(pool, "SELECT payload::text FROM relation_events WHERE partition_key = $1 AND seq <= $2 AND type = $3",
                key, g.seqBefore(), EventLog.TIER_CHANGED).get(0);
        JsonPath payload = JsonPath.from(written.getString(1));
        assertThat(JsonPath.from(written.getString(1)).getMap("").keySet())
                .containsExactlyInAnyOrderElementsOf(JsonPath.from(byFollow.getString(0)).getMap("").keySet());
        assertThat(payload.getString("type")).isEqualTo(EventLog.TIER_CHANGED);
        assertThat(payload.getString("authorId")).isEqualTo(key);
        assertThat(payload.getString("tier")).isEqualTo("pull");
        assertThat(payload.getLong("followerCount")).isEqualTo(3);
        assertThat(payload.getInt("version")).isEqualTo(1);
        assertThat(Db.count(pool, "SELECT count(*) FROM relation_events WHERE partition_key = $1 AND published_at IS NULL", key)).isZero();

        List<ConsumerRecord<String, String>> records = TopicReader.readAll(bootstrap, topic).stream()
                .filter(r -> key.equals(r.key()))
                .filter(r -> written.getString(0).equals(JsonPath.from(r.value()).getString("eventId")))
                .toList();
        assertThat(records).hasSize(1);
        assertThat(JsonPath.from(records.get(0).value()).getString("tier")).isEqualTo("pull");
    }

    @Test
    void reevaluate_needsTheInternalToken_andRejectsABadHysteresis() {
        Management.given().post("/internal/v1/tiers/reevaluate").then().statusCode(401).contentType("application/problem+json");
        Management.given().header("X-Internal-Token", "wrong").post("/internal/v1/tiers/reevaluate").then().statusCode(401);
        reevaluate("?hysteresis=maybe").statusCode(400).contentType("application/problem+json");
    }

    private List<String> result(Graph g) {
        return List.of(tier(g.three()), tier(g.one()), tier(g.twoPull()), tier(g.twoPush()), tier(g.four()));
    }

    private static io.restassured.response.ValidatableResponse reevaluate(String query) {
        return Management.given().header("X-Internal-Token", INTERNAL_TOKEN).post("/internal/v1/tiers/reevaluate" + query).then();
    }

    private static long withFollowers(List<Long> fans, int n) {
        long author = newUser();
        fans.subList(0, n).forEach(f -> follow(f, author));
        return author;
    }

    private void setTier(long author, String tier) {
        Db.rows(pool, "UPDATE users SET tier = $2 WHERE id = $1 RETURNING id", author, tier);
    }

    private static String tier(long author) {
        return Management.given().header("X-Internal-Token", INTERNAL_TOKEN).get("/internal/v1/authors/" + author + "/tier")
                .then().statusCode(200).extract().jsonPath().getString("tier");
    }

    private List<String> tierEventsSince(long seq, long author) {
        return Db.rows(pool, "SELECT payload->>'tier', payload->>'followerCount' FROM relation_events "
                        + "WHERE type = $1 AND partition_key = $2 AND seq > $3 ORDER BY seq", EventLog.TIER_CHANGED, Long.toString(author), seq)
                .stream().map(r -> r.getString(0) + "@" + r.getString(1)).toList();
    }
}
