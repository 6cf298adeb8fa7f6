package dev.feed.hotcache;

import java.util.List;
import java.util.Objects;

/**
 * Immutable snapshot of one resident author as of its last successful rebuild.
 *
 * @param refs newest first, at most {@code maxRefsPerAuthor}, distinct postIds
 * @param version 1 after the first successful load, +1 per successful rebuild; failed loads leave it
 * @param checksum {@link HotCache#checksum} of {@code refs}
 * @param loadedAtMillis the cache's ticker time, in milliseconds, at which the rebuild was applied (wall clock
 *     unless a test ticker was given)
 * @param reason why the author is resident, as of the rebuild (or of a later pin)
 */
public record AuthorEntry(
    long authorId, List<PostRef> refs, long version, long checksum, long loadedAtMillis, Reason reason) {

  public enum Reason {
    /** Pull-tier author pinned by the caller; never evicted until unpinned. */
    PINNED,
    /** Promoted by read frequency; bounded by {@code maxFrequentAuthors}, demoted when it goes cold. */
    FREQUENT
  }

  public AuthorEntry {
    refs = List.copyOf(refs);
    Objects.requireNonNull(reason, "reason");
  }

  AuthorEntry withReason(Reason newReason) {
    return new AuthorEntry(authorId, refs, version, checksum, loadedAtMillis, newReason);
  }
}
