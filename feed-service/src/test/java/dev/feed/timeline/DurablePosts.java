package dev.feed.timeline;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.feed.hotcache.PostRef;
import dev.feed.post.PostStore;
import dev.feed.post.SnowflakeIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Posts only in Cassandra (as after a Redis loss), for the tests of reads that go below or around Redis. */
final class DurablePosts {
    private DurablePosts() {
    }

    /** A post of {@code author}; its time is the one in its Snowflake id. */
    record Post(long author, long id) {
        PostRef ref() {
            return new PostRef(id, SnowflakeIds.instantOf(id).toEpochMilli());
        }
    }

    /** Writes the posts' rows without pending-fanout records: 200 batches in flight. */
    static void write(CqlSession session, String keyspace, List<Post> posts) {
        PreparedStatement post = session.prepare("INSERT INTO " + keyspace + ".posts (id, author_id, text, created_at) VALUES (?, ?, ?, ?)");
        PreparedStatement byAuthor = session.prepare(
                "INSERT INTO " + keyspace + ".posts_by_author (author_id, bucket, created_at, id, text) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement bucket = session.prepare("INSERT INTO " + keyspace + ".author_buckets (author_id, bucket) VALUES (?, ?)");
        for (int from = 0; from < posts.size(); from += 200) {
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (Post p : posts.subList(from, Math.min(posts.size(), from + 200))) {
                Instant at = SnowflakeIds.instantOf(p.id());
                int b = PostStore.bucketOf(at);
                inFlight.add(session.executeAsync(BatchStatement.newInstance(DefaultBatchType.LOGGED,
                        post.bind(p.id(), p.author(), "post " + p.id(), at),
                        byAuthor.bind(p.author(), b, at, p.id(), "post " + p.id()),
                        bucket.bind(p.author(), b))).toCompletableFuture());
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        }
    }
}
