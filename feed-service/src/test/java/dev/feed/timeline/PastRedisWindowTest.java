package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PostStore;
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

/** Small Redis windows (20 entries) so a few dozen posts reach past them into Cassandra. */
@QuarkusTest
@TestProfile(PastRedisWindowTest.SmallWindows.class)
class PastRedisWindowTest {
    public static class SmallWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.inbox.max-entries", "20", "feed.outbox.max-entries", "20");
        }
    }

    @Inject
    PostStore posts;
    @Inject
    OutboxStore outbox;
    @Inject
    Redis redis;
    @Inject
    Fixture fx;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void timeline_pastTrimmedInboxAndOutboxes_continuesFromCassandra_toTheVeryFirstPost() {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        page(reader, 1, null); // live inbox: fanout pushes and trims it to 20
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(fx.publish(pushAuthor, reader));
            if (i % 2 == 0) {
                expected.add(fx.publish(pullAuthor));
                expected.add(fx.publishSameMillisecond(reader));
            }
        }

        assertThat(all(reader, 10)).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(expected));
        assertThat(all(reader, 7)).containsExactlyElementsOf(newestFirst(expected));
    }

    @Test
    void timeline_rebuildFromFullOutboxes_thenPagesPastThemIntoCassandra() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a, b);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(fx.publish(a, reader)); // reader not active yet: nothing pushed
            if (i % 3 != 0) {
                expected.add(fx.publish(b, reader));
            }
        }
        assertThat(fx.inboxExists(reader)).isFalse();

        assertThat(all(reader, 9)).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(expected));
    }
}
