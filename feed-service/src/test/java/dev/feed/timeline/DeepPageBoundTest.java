package dev.feed.timeline;

import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.SnowflakeIds;
import dev.feed.schema.CassandraConfig;
import dev.feed.timeline.DurablePosts.Post;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A reader following 5,000 accounts pages below the Redis window (inbox cap 20): each page's
 * Cassandra work is bounded by the fan-in (statements over up to archive-fan-in partitions), not
 * one walk per followee, and the pages are still exactly the merged timeline.
 */
@QuarkusTest
@TestProfile(DeepPageBoundTest.SmallWindows.class)
class DeepPageBoundTest {
    private static final int FOLLOWEES = 5_000;
    private static final int OLD_POSTERS = 60;

    public static class SmallWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("feed.inbox.max-entries", "20", "feed.outbox.max-entries", "20");
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
    TimelineConfig config;

    @Test
    void deepPages_ofReaderFollowing5000_readBoundedCassandraStatements_andStayExact() {
        FakeRelation relation = fx.freshRelation();
        long reader = newUser();
        long[] authors = new long[FOLLOWEES];
        for (int i = 0; i < FOLLOWEES; i++) {
            authors[i] = newUser();
        }
        relation.followPush(reader, authors);
        // One recent post each (a third of them sharing a millisecond with the previous one) and,
        // for a few authors, two posts months back with empty months between: the tail pages must
        // skip those months and still end exactly.
        // Snowflake ids never go back in time: the oldest posts are made first.
        AtomicLong clock = new AtomicLong();
        SnowflakeIds ids = new SnowflakeIds(ThreadLocalRandom.current().nextInt(1024), clock::get);
        List<Post> old = new ArrayList<>();
        for (long back : new long[] {100, 70}) {
            clock.set(System.currentTimeMillis() - Duration.ofDays(back).toMillis());
            for (int i = 0; i < OLD_POSTERS; i++) {
                clock.incrementAndGet();
                old.add(new Post(authors[i * 7], ids.next()));
            }
        }
        clock.set(System.currentTimeMillis() - Duration.ofHours(3).toMillis());
        List<Post> recent = new ArrayList<>();
        for (int i = 0; i < FOLLOWEES; i++) {
            if (i % 3 != 0) {
                clock.incrementAndGet();
            }
            recent.add(new Post(authors[i], ids.next()));
        }
        writeDurably(recent);
        writeDurably(old);
        List<Long> expectedRecent = newestFirst(recent.stream().map(Post::ref).toList());
        List<Long> expectedOld = newestFirst(old.stream().map(Post::ref).toList());

        JsonPath first = page(reader, 20, null); // rebuilds the inbox from the cold outboxes: not what is measured
        List<Long> seen = new ArrayList<>(ids(first));
        String cursor = first.getString("nextCursor");
        int perPageBound = 2 * ceilDiv(FOLLOWEES + 1, config.archiveFanIn()) * 4; // at most four months reached here
        for (int p = 0; p < 5; p++) {
            double before = archiveQueries();
            JsonPath next = page(reader, 20, cursor);
            double spent = archiveQueries() - before;
            assertThat(spent).as("Cassandra statements of page %d below the window", p).isPositive().isLessThanOrEqualTo(perPageBound)
                    .isLessThan(FOLLOWEES / 10.0);
            seen.addAll(ids(next));
            cursor = next.getString("nextCursor");
        }
        assertThat(seen).hasSize(120).doesNotHaveDuplicates().containsExactlyElementsOf(expectedRecent.subList(0, 120));

        // From the oldest recent post on: across the empty months to the very first post, then the end.
        Post oldestRecent = recent.stream().min((a, b) -> b.ref().compareTo(a.ref())).orElseThrow();
        cursor = Cursor.after(oldestRecent.ref()).toString();
        List<Long> tail = new ArrayList<>();
        for (int p = 0; cursor != null; p++) {
            assertThat(p).as("tail pages").isLessThan(20);
            double before = archiveQueries();
            JsonPath next = page(reader, 20, cursor);
            assertThat(archiveQueries() - before).as("Cassandra statements of tail page %d", p).isLessThanOrEqualTo(perPageBound);
            tail.addAll(ids(next));
            cursor = next.getString("nextCursor");
        }
        assertThat(tail).containsExactlyElementsOf(expectedOld);
        assertThat(expectedRecent.get(expectedRecent.size() - 1)).isEqualTo(oldestRecent.id());
    }

    @Test
    void rebuild_ofOneProlificAndManyQuietFollowees_deepensTheProlificOne_andIsExact() {
        FakeRelation relation = fx.freshRelation();
        long reader = newUser();
        long prolific = newUser();
        long[] quiet = new long[40];
        for (int i = 0; i < quiet.length; i++) {
            quiet[i] = newUser();
        }
        relation.followPush(reader, prolific).followPush(reader, quiet);
        List<PostRef> expected = new ArrayList<>();
        for (long q : quiet) {
            expected.add(fx.publish(q)); // reader not active: nothing pushed, the rebuild reads the outboxes
        }
        for (int i = 0; i < 19; i++) {
            expected.add(fx.publish(prolific)); // its newest 19 outrank every quiet post: read past the first 16
        }

        assertThat(Fixture.all(reader, 7)).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst(expected));
    }

    private double archiveQueries() {
        return meters.get("feed.timeline.archive.queries").counter().count();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private void writeDurably(List<Post> posts) {
        DurablePosts.write(session, cassandra.keyspace(), posts);
    }
}
