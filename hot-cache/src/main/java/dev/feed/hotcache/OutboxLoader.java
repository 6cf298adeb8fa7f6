package dev.feed.hotcache;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reads an author's latest posts from the source of truth (the Redis outbox in feed-service).
 * Implementations should not block the calling thread: the cache calls this from its executor and
 * never holds a lock while doing so. The result may be unsorted, contain duplicates or exceed
 * {@code limit}; the cache normalises it with {@link PostRef#newestDistinct}.
 */
@FunctionalInterface
public interface OutboxLoader {
  CompletionStage<List<PostRef>> load(long authorId, int limit);
}
