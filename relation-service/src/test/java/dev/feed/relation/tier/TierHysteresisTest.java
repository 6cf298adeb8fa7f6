package dev.feed.relation.tier;

import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.unfollow;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.relation.Management;
import dev.feed.relation.Db;
import dev.feed.relation.TestUsers;
import dev.feed.relation.event.EventLog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(TierHysteresisTest.SmallTiers.class)
class TierHysteresisTest {
    public static class SmallTiers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.tier.pull-at", "3", "feed.tier.push-below", "2");
        }
    }

    @Inject
    Pool pool;

    @Test
    void tier_pullAtThree_pushOnlyBelowTwo_noFlappingInBetween() {
        long author = newUser();
        List<Long> fans = LongStream.range(0, 3).map(i -> newUser()).boxed().toList();

        follow(fans.get(0), author);
        follow(fans.get(1), author);
        assertTier(author, "push", 2);

        follow(fans.get(2), author);
        assertTier(author, "pull", 3);

        // Between the thresholds the tier holds, however often the count moves.
        for (int i = 0; i < 3; i++) {
            unfollow(fans.get(2), author);
            assertTier(author, "pull", 2);
            follow(fans.get(2), author);
            assertTier(author, "pull", 3);
        }

        unfollow(fans.get(2), author);
        unfollow(fans.get(1), author);
        assertTier(author, "push", 1);

        List<String> changes = Db.rows(pool, "SELECT payload->>'tier', payload->>'followerCount' FROM relation_events "
                        + "WHERE type = $1 AND partition_key = $2 ORDER BY seq", EventLog.TIER_CHANGED, Long.toString(author))
                .stream().map(r -> r.getString(0) + "@" + r.getString(1)).toList();
        assertThat(changes).containsExactly("pull@3", "push@1");
        // The follow that crossed the line already tells the worker the followee is pulled.
        assertThat(Db.rows(pool, "SELECT payload->>'followeeTier' FROM relation_events WHERE partition_key = $1 ORDER BY seq LIMIT 1",
                EventLog.pairKey(fans.get(2), author)).get(0).getString(0)).isEqualTo("pull");
    }

    private static void assertTier(long author, String tier, int followers) {
        JsonPath body = Management.given().header("X-Internal-Token", TestUsers.INTERNAL_TOKEN)
                .get("/internal/v1/authors/" + author + "/tier").then().statusCode(200).extract().jsonPath();
        assertThat(body.getString("tier")).isEqualTo(tier);
        assertThat(body.getInt("followerCount")).isEqualTo(followers);
    }
}
