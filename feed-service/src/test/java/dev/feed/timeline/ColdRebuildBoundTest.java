package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Cursor;
import dev.feed.post.SnowflakeIds;
import dev.feed.schema.CassandraConfig;
import dev.feed.timeline.DurablePosts.Post;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
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
 * Cold outboxes (Redis lost them; the posts are only in Cassandra) read in batches: a returning
 * reader's rebuild over many cold followees costs statements in proportion to followees / fan-in,
 * not one walk per followee, and reads exactly what the per-author walk reads. Outbox and inbox
 * caps of 20 (the profile of {@link DeepPageBoundTest}), so "more history than the outbox holds"
 * is cheap to set up.
 */
@QuarkusTest
@TestProfile(DeepPageBoundTest.SmallWindows.class)
class ColdRebuildBoundTest {
    @Inject
    Fixture fx;
    @Inject
    ArchiveReader archive;
    @Inject
    CqlSession session;
    @Inject
    CassandraConfig cassandra;
    @Inject
    MeterRegistry meters;
    @Inject
    TimelineConfig config;
    @Inject
    Redis redis;

    private final AtomicLong clock = new AtomicLong();
    private final SnowflakeIds ids = new SnowflakeIds(ThreadLocalRandom.current().nextInt(1024), clock::get);

    @Test
    void eachBefore_readsWhatThePerAuthorWalkReads_forEveryShapeOfHistory_inBoundedStatements() {
        long silent = newUser();
        long prolific = newUser(); // 30 posts over two months with an empty month between: past the limit of 20
        long sparse = newUser(); // one post in each of three months with empty months between
        long[] oneEach = new long[250];
        for (int i = 0; i < oneEach.length; i++) {
            oneEach[i] = newUser();
        }
        List<Post> posts = new ArrayList<>();
        at(Duration.ofDays(100), () -> posts.add(post(sparse)));
        at(Duration.ofDays(40), () -> {
            for (int i = 0; i < 12; i++) {
                posts.add(post(prolific));
            }
            posts.add(post(sparse));
        });
        at(Duration.ofHours(5), () -> {
            for (int i = 0; i < 18; i++) {
                posts.add(post(prolific));
            }
            posts.add(post(sparse));
            for (long a : oneEach) {
                posts.add(post(a));
            }
        });
        writeDurably(posts);
        List<Long> authors = new ArrayList<>(List.of(silent, prolific, sparse));
        for (long a : oneEach) {
            authors.add(a);
        }

        double before = archiveQueries();
        Map<Long, List<PostRef>> batched = archive.eachBefore(authors, null, 20).await().indefinitely();
        double spent = archiveQueries() - before;
        Map<Long, List<PostRef>> walked = archive.before(authors, null, 20).await().indefinitely();

        for (long a : authors) {
            assertThat(batched.getOrDefault(a, List.of())).as("author %d", a).isEqualTo(walked.getOrDefault(a, List.of()));
        }
        assertThat(batched.get(prolific)).hasSize(20);
        assertThat(batched.get(sparse)).hasSize(3);
        assertThat(batched.getOrDefault(silent, List.of())).isEmpty();
        // Rounds: the three months with posts plus the step past the oldest; per round one statement
        // per fan-in authors for the heads and one for the month read.
        int chunks = ceilDiv(authors.size(), config.archiveFanIn());
        assertThat(spent).as("Cassandra statements for %d cold authors", authors.size())
                .isPositive().isLessThanOrEqualTo(2 * chunks * 4).isLessThan(authors.size() / 10.0);

        // Below a cursor inside the prolific author's older month: the same again.
        Post cut = posts.get(6); // the prolific author's 6th oldest
        Cursor cursor = Cursor.after(cut.ref());
        assertThat(archive.eachBefore(authors, cursor, 4).await().indefinitely().get(prolific))
                .isEqualTo(archive.before(authors, cursor, 4).await().indefinitely().get(prolific))
                .hasSize(4);
    }

    @Test
    void rebuild_afterEveryOutboxWasLost_isExact_andReadsCassandraInBatches() {
        FakeRelation relation = fx.freshRelation();
        long reader = newUser();
        long[] followees = new long[1_000];
        for (int i = 0; i < followees.length; i++) {
            followees[i] = newUser();
        }
        relation.followPush(reader, followees);
        List<Post> posts = new ArrayList<>();
        at(Duration.ofDays(40), () -> {
            for (int i = 0; i < 25; i++) {
                posts.add(post(followees[1]));
            }
        });
        at(Duration.ofHours(2), () -> {
            for (long f : followees) {
                posts.add(post(f));
            }
        });
        writeDurably(posts); // only in Cassandra: no outbox of any followee exists
        for (long f : followees) {
            assertThat(exists(OutboxStore.key(f))).isFalse();
        }

        double before = archiveQueries();
        List<Long> first = Fixture.ids(Fixture.page(reader, 20, null));
        double spent = archiveQueries() - before;

        List<Long> expected = newestFirst(posts.stream().map(Post::ref).toList());
        assertThat(first).containsExactlyElementsOf(expected.subList(0, 20));
        int chunks = ceilDiv(followees.length + 1, config.archiveFanIn());
        assertThat(spent).as("Cassandra statements of a rebuild over %d cold outboxes", followees.length)
                .isPositive().isLessThanOrEqualTo(2 * chunks * 4).isLessThan(followees.length / 10.0);
        assertThat(exists(OutboxStore.key(followees[0]))).as("cold outboxes written back").isTrue();
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

    /** The counter is registered when ArchiveReader (a lazy bean) is first used: none yet counts as 0. */
    private double archiveQueries() {
        Counter queries = meters.find("feed.timeline.archive.queries").counter();
        return queries == null ? 0 : queries.count();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private void writeDurably(List<Post> posts) {
        DurablePosts.write(session, cassandra.keyspace(), posts);
    }
}
