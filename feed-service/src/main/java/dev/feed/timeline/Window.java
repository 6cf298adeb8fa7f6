package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import java.util.List;

/**
 * What one source (an inbox, an outbox, a hot-cache entry, Cassandra) holds after a cursor.
 *
 * @param refs newest first, strictly after the cursor
 * @param floor the oldest position this source vouches for: anything strictly older may be missing
 *              because the cache was trimmed; null when the source is complete to its beginning
 */
record Window(List<PostRef> refs, Cursor floor) {
    static final Window EMPTY = new Window(List.of(), null);

    /** The newer of two floors (a null floor vouches for everything). */
    static Cursor newer(Cursor a, Cursor b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(new PostRef(b.postId(), b.createdAtMillis())) ? a : b;
    }

    static Cursor at(PostRef ref) {
        return Cursor.after(ref);
    }
}
