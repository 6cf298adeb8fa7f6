package dev.feed.hotcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pointer to one post. The natural order is newest first: {@code createdAtMillis} descending, then
 * {@code postId} descending, so two posts created in the same millisecond still have one order that
 * every instance agrees on (the checksum depends on it).
 */
public record PostRef(long postId, long createdAtMillis) implements Comparable<PostRef> {

  @Override
  public int compareTo(PostRef other) {
    int byTime = Long.compare(other.createdAtMillis, createdAtMillis);
    return byTime != 0 ? byTime : Long.compare(other.postId, postId);
  }

  /**
   * The list the cache keeps for an author: newest first, at most {@code limit} refs, one per postId
   * (if a postId appears twice the newer ref wins). The verifier must apply this same normalisation
   * to the outbox before computing {@link HotCache#checksum}, or checksums never match.
   */
  public static List<PostRef> newestDistinct(Collection<PostRef> refs, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit < 0: " + limit);
    }
    List<PostRef> sorted = new ArrayList<>(refs);
    sorted.sort(null);
    List<PostRef> out = new ArrayList<>(Math.min(limit, sorted.size()));
    Set<Long> seen = new HashSet<>();
    for (PostRef ref : sorted) {
      if (out.size() == limit) {
        break;
      }
      if (seen.add(ref.postId)) {
        out.add(ref);
      }
    }
    return List.copyOf(out);
  }
}
