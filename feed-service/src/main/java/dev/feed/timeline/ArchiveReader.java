package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.PostStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Authors' posts past the Redis window, from Cassandra {@code posts_by_author}: the durable copy
 * a timeline falls back to so it never ends early because a cache was trimmed or lost.
 *
 * Many authors at once, a bounded number of Cassandra reads in flight; the walk through one
 * author's month buckets is {@link PostStore#refsByAuthor}.
 */
@ApplicationScoped
public class ArchiveReader {
    private final PostStore posts;
    private final TimelineConfig timeline;

    public ArchiveReader(PostStore posts, TimelineConfig timeline) {
        this.posts = posts;
        this.timeline = timeline;
    }

    /** Up to {@code limit} refs per author strictly older than {@code before} (null: from the newest), newest first. */
    public Uni<Map<Long, List<PostRef>>> before(Collection<Long> authorIds, Cursor before, int limit) {
        if (authorIds.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(Map.of());
        }
        return Multi.createFrom().iterable(authorIds)
                .onItem().transformToUni(author -> before(author, before, limit).map(refs -> Map.entry(author, refs)))
                .merge(timeline.archiveConcurrency())
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(HashMap::new);
    }

    /** Up to {@code limit} of one author's refs strictly older than {@code before}, newest first. */
    public Uni<List<PostRef>> before(long authorId, Cursor before, int limit) {
        return posts.refsByAuthor(authorId, before, limit);
    }
}
