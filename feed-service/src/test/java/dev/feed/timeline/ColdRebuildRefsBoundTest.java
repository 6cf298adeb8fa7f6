package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.SnowflakeIds;
import dev.feed.schema.CassandraConfig;
import dev.feed.timeline.DurablePosts.Post;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An inbox rebuild over cold followees (Redis lost their outboxes) reads from Cassandra only the
 * refs that can rank in the rebuilt inbox: the first load per followee, deeper only for the few
 * whose refs all rank above the cut, not every cold author up to the outbox cap. Caps of 20 and a
 * first load of 2, so "up to the cap" (20 per author) and "the first load" (2) are far apart.
 */
@QuarkusTest
@TestProfile(ColdRebuildRefsBoundTest.SmallWindowsFirstLoad2.class)
class ColdRebuildRefsBoundTest {
    static final int CAP = 20;
    static final int FIRST_LOAD = 2;

    public static class SmallWindowsFirstLoad2 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.inbox.max-entries", Integer.toString(CAP), "feed.outbox.max-entries", Integer.toString(CAP),
                    "feed.timeline.rebuild-first-load", Integer.toString(FIRST_LOAD));
        }
    }

    @Inject
    Fixture fx;
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig cassandra;
    @Inject
    MeterRegistry meters;
    @Inject
    Redis redis;

    private final AtomicLong clock = new AtomicLong();
    private final SnowflakeIds ids = new SnowflakeIds(ThreadLocalRandom.current().nextInt(1024), clock::get);

    @Test
    void rebuild_overColdFollowees_readsOnlyRefsThatCanRankInTheInbox_andStaysExact() {
        FakeRelation relation = fx.freshRelation();
        long reader = newUser();
        long recentProlific = newUser(); // 30 posts an hour ago: the whole first page, found by deepening 2, 4, 8, 16, 20
        long[] oldProlific = new long[100]; // 25 posts each 40 days ago: more than the outbox cap, none ranks in the inbox
        long[] onePost = new long[99]; // one post each 2 hours ago: their whole history in the first load
        long silent = newUser();
        List<Long> followees = new ArrayList<>(List.of(recentProlific, silent));
        for (int i = 0; i < oldProlific.length; i++) {
            oldProlific[i] = newUser();
            followees.add(oldProlific[i]);
        }
        for (int i = 0; i < onePost.length; i++) {
            onePost[i] = newUser();
            followees.add(onePost[i]);
        }
        relation.followPush(reader, followees.stream().mapToLong(Long::longValue).toArray());
        List<Post> posts = new ArrayList<>();
        at(Duration.ofDays(40), () -> {
            for (long a : oldProlific) {
                for (int i = 0; i < 25; i++) {
                    posts.add(post(a));
                }
            }
        });
        at(Duration.ofHours(2), () -> {
            for (long a : onePost) {
                posts.add(post(a));
            }
        });
        at(Duration.ofHours(1), () -> {
            for (int i = 0; i < 30; i++) {
                posts.add(post(recentProlific));
            }
        });
        DurablePosts.write(session, cassandra.keyspace(), posts); // only in Cassandra: every outbox is cold

        double before = archiveRefs();
        List<Long> first = Fixture.ids(Fixture.page(reader, CAP, null));
        double read = archiveRefs() - before;

        List<Long> expected = newestFirst(posts.stream().map(Post::ref).toList());
        assertThat(first).containsExactlyElementsOf(expected.subList(0, CAP));
        // Every followee's first load, plus rounds of doubling (2 -> 4 -> 8 -> 16 -> 20) in which at
        // most cap / count followees can still rank: at most 2 x cap refs per round.
        int rounds = 4;
        int bound = (followees.size() + 1) * FIRST_LOAD + 2 * CAP * rounds;
        assertThat(read).as("refs read from Cassandra by a rebuild over %d cold followees", followees.size())
                .isPositive().isLessThanOrEqualTo(bound)
                .isLessThan(oldProlific.length * CAP); // reading every cold author up to the cap would read at least this
        assertThat(exists(OutboxStore.key(onePost[0]))).as("an author read to its end is written back (with its sentinel)").isTrue();
        assertThat(exists(OutboxStore.key(silent))).as("a silent author is written back as one").isTrue();
        assertThat(exists(OutboxStore.key(oldProlific[0]))).as("an author read only in part stays cold").isFalse();
        assertThat(Fixture.all(reader, 100)).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    private boolean exists(String key) {
        return redis.send(Request.cmd(Command.EXISTS).arg(key)).await().indefinitely().toInteger() == 1;
    }

    /** Runs {@code write} with the id clock {@code ago} in the past, one millisecond per post from there. */
    private void at(Duration ago, Runnable write) {
        clock.set(System.currentTimeMillis() - ago.toMillis());
        write.run();
    }

    private Post post(long author) {
        clock.incrementAndGet();
        return new Post(author, ids.next());
    }

    /** Registered with ArchiveReader (a lazy bean) on its first use: none yet counts as 0. */
    private double archiveRefs() {
        Counter refs = meters.find("feed.timeline.archive.refs").counter();
        return refs == null ? 0 : refs.count();
    }
}
