package dev.feed.timeline;

import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    OutboxStore outbox;
    @Inject
    Redis redis;
    @Inject
    HotCache hotCache;
    @Inject
    Fixture fx;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
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
