package dev.feed.timeline;

import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PostStore;
import dev.feed.post.Tombstones;
import dev.feed.relation.RelationClient;
import dev.feed.schema.CassandraConfig;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FEED_HOT_ENABLED=false, the benchmark's cache-off baseline: same timeline, served from outboxes. */
@QuarkusTest
@TestProfile(HotCacheOffTest.CacheOff.class)
class HotCacheOffTest {
    public static class CacheOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.hot.enabled", "false");
        }
    }

    @Inject
    PostStore posts;
    @Inject
    OutboxStore outbox;
    @Inject
    Redis redis;
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig cassandra;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    FolloweeCache followees;
    @Inject
    HotCache hotCache;
    @Inject
    Tombstones tombstones;

    private FakeRelation relation;
    private Fixture fx;

    @BeforeEach
    void setUp() {
        relation = new FakeRelation();
        QuarkusMock.installMockForType(relation.client(), RelationClient.class, RestClient.LITERAL);
        followees.invalidateAll();
        fx = new Fixture(posts, outbox, redis, session, cassandra, inboxConfig.maxEntries(), hotCache, tombstones);
    }

    @Test
    void timeline_withHotCacheOff_readsPullTierAuthorsFromTheirOutbox_andPinsNobody() {
        long reader = newUser();
        long celebrity = newUser();
        relation.followPull(reader, celebrity);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(fx.publish(celebrity));
        }
        long lookupsBefore = hotCache.stats().hits() + hotCache.stats().misses();

        for (int read = 0; read < 2; read++) {
            assertThat(ids(page(reader, 20, null))).containsExactlyElementsOf(newestFirst(expected));
        }

        assertThat(hotCache.isResident(celebrity)).isFalse();
        assertThat(hotCache.stats().hits() + hotCache.stats().misses()).isEqualTo(lookupsBefore);
    }
}
