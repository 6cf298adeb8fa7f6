package dev.feed.timeline;

import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a steady-state timeline read (live inbox, posts cached) costs the real Redis: its round
 * trips, counted by Redis itself ({@code total_reads_processed} of INFO stats: one per request or
 * pipeline read in one go), the way perf's bench counts them per read.
 */
@QuarkusTest
class ReadRoundTripsTest {
    private static final int READS = 40;

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
    void timeline_steadyStateRead_isOneRedisRoundTrip_besidesTheRateLimitCheck() {
        long reader = newUser();
        long a = newUser();
        long b = newUser();
        relation.followPush(reader, a, b);
        page(reader, 20, null); // the first read rebuilds: the inbox is live from now on
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            refs.add(fx.publish(a, reader));
            refs.add(fx.publish(b, reader));
        }
        page(reader, 20, null); // posts loaded, cached and checked clean under the current tombstone stamps
        List<Long> expected = ids(page(reader, 20, null));

        long before = readsProcessed();
        for (int i = 0; i < READS; i++) {
            assertThat(ids(page(reader, 20, null))).isEqualTo(expected);
        }
        long roundTrips = readsProcessed() - before - 1; // minus the INFO of the second readsProcessed()

        // Per request: the rate-limit check (user and address buckets in one batch, README "Rate
        // limits"), then the read itself in one (inbox page with the tombstone stamps): 80. Three per
        // request before the stamps rode along with the page (120), four with the two buckets sent
        // apart. Other clients of this Redis (the app's own background work) may add a few.
        assertThat(roundTrips).as("Redis round trips for %d steady-state reads", READS)
                .isGreaterThanOrEqualTo(2L * READS).isLessThan(2L * READS + READS / 2);
        assertThat(expected).hasSize(20);
    }

    @Test
    void timeline_postDeletedAfterItWasCheckedClean_dropsOutOfTheNextRead() {
        long reader = newUser();
        long a = newUser();
        relation.followPush(reader, a);
        page(reader, 20, null);
        List<PostRef> refs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            refs.add(fx.publish(a, reader));
        }
        assertThat(ids(page(reader, 20, null))).hasSize(5);
        assertThat(ids(page(reader, 20, null))).hasSize(5); // served from the cache under the stamps

        long deleted = refs.get(2).postId();
        fx.tombstone(deleted); // as another instance deletes: no local eviction here, only the tombstone

        assertThat(ids(page(reader, 20, null))).hasSize(4).doesNotContain(deleted);
        assertThat(ids(page(reader, 20, null))).hasSize(4).doesNotContain(deleted);
    }

    private long readsProcessed() {
        String info = redis.send(Request.cmd(Command.INFO).arg("stats")).await().indefinitely().toString();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new AssertionError("INFO stats has no total_reads_processed");
    }
}
