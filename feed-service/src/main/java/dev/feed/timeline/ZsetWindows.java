package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.Cursor;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a page of a post ZSET (inbox or outbox: member = id, score = createdAt millis) after a
 * cursor, as a group of {@link #requestCount} commands that callers put into one pipelined batch.
 *
 * <p>Scores are milliseconds, so a cursor cannot be expressed as one score bound: posts sharing
 * the cursor's millisecond are read whole (few by construction) and filtered by id, posts in
 * older milliseconds are read with an exclusive bound and LIMIT. No over-fetch guess is needed.
 */
final class ZsetWindows {
    /** Member that marks a live inbox that may be empty; never a post. */
    static final long SENTINEL = 0L;

    private ZsetWindows() {
    }

    /** Commands in one group: a first page needs no read of the cursor's millisecond. */
    static int requestCount(Cursor cursor) {
        return cursor == null ? 3 : 4;
    }

    /**
     * The group, in this order: the two lowest entries (is the sentinel there? the oldest post),
     * the size, then the page. The sentinel is looked at first: a trim that removes it between the
     * commands then removes no post before the page is read (it takes the sentinel, rank 0, first).
     */
    static List<Request> requests(String key, Cursor cursor, int count) {
        List<Request> requests = new ArrayList<>(requestCount(cursor));
        requests.add(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(1).arg("WITHSCORES"));
        requests.add(Request.cmd(Command.ZCARD).arg(key));
        if (cursor == null) {
            requests.add(range(key, "+inf", count));
        } else {
            requests.add(Request.cmd(Command.ZRANGE).arg(key).arg(cursor.createdAtMillis()).arg(cursor.createdAtMillis())
                    .arg("BYSCORE").arg("REV").arg("WITHSCORES"));
            requests.add(range(key, "(" + cursor.createdAtMillis(), count));
        }
        return requests;
    }

    private static Request range(String key, String max, int count) {
        return Request.cmd(Command.ZRANGE).arg(key).arg(max).arg("-inf").arg("BYSCORE").arg("REV")
                .arg("LIMIT").arg(0).arg(count).arg("WITHSCORES");
    }

    /** ZCARD of a group: 0 means the key does not exist. */
    static long size(List<Response> responses, int offset) {
        return responses.get(offset + 1).toLong();
    }

    /**
     * The window of one group. Only a ZSET holding its sentinel is known complete: whoever wrote
     * the sentinel wrote the whole history with it (an inbox rebuild, an outbox warmed from
     * Cassandra), and a trim takes the sentinel first. Without it (trimmed at the cap, or created
     * by a write onto a key Redis had lost) the ZSET vouches only down to its oldest entry.
     */
    static Window parse(List<Response> responses, int offset, Cursor cursor, int count) {
        List<PostRef> refs = new ArrayList<>();
        int at = offset + 2;
        if (cursor != null) {
            for (PostRef ref : OutboxStore.toRefs(responses.get(at++))) {
                if (cursor.isBefore(ref)) {
                    refs.add(ref);
                }
            }
        }
        refs.addAll(OutboxStore.toRefs(responses.get(at)));
        refs.sort(null);
        if (refs.size() > count) {
            refs = new ArrayList<>(refs.subList(0, count));
        }
        return new Window(refs, hasSentinel(responses.get(offset)) ? null : oldestFloor(responses.get(offset)));
    }

    /** True if the group's ZSET holds its sentinel (toRefs leaves it out; it scores lowest, rank 0). */
    static boolean hasSentinel(List<Response> responses, int offset) {
        return hasSentinel(responses.get(offset));
    }

    private static boolean hasSentinel(Response lowest) {
        if (lowest == null || lowest.size() == 0) {
            return false;
        }
        Response first = lowest.get(0);
        String member = first.type() == io.vertx.redis.client.ResponseType.MULTI ? first.get(0).toString() : first.toString();
        return Long.toString(SENTINEL).equals(member);
    }

    private static Cursor oldestFloor(Response lowest) {
        List<PostRef> refs = OutboxStore.toRefs(lowest); // newest first, sentinel left out
        return refs.isEmpty() ? null : Window.at(refs.get(refs.size() - 1));
    }

    // ---- the upward direction (since): the posts closest above a position ----

    /** Commands in one since group: the position's millisecond, the newer ones ascending, ZCARD, the oldest entry. */
    static final int SINCE_REQUESTS = 4;

    /** A group reading the {@code count} entries closest above {@code since}, for one pipelined batch. */
    static List<Request> sinceRequests(String key, Cursor since, int count) {
        return List.of(
                Request.cmd(Command.ZRANGE).arg(key).arg(since.createdAtMillis()).arg(since.createdAtMillis()).arg("BYSCORE")
                        .arg("WITHSCORES"),
                Request.cmd(Command.ZRANGE).arg(key).arg("(" + since.createdAtMillis()).arg("+inf").arg("BYSCORE")
                        .arg("LIMIT").arg(0).arg(count).arg("WITHSCORES"),
                Request.cmd(Command.ZCARD).arg(key),
                Request.cmd(Command.ZRANGE).arg(key).arg("(0").arg("+inf").arg("BYSCORE").arg("LIMIT").arg(0).arg(1).arg("WITHSCORES"));
    }

    /** ZCARD of a since group: 0 means the key does not exist. */
    static long sinceSize(List<Response> responses, int offset) {
        return responses.get(offset + 2).toLong();
    }

    /**
     * The window of one since group: the {@code count} entries closest above {@code since}, newest
     * first, and the floor the ZSET vouches down to (as {@link #parse}).
     */
    static Window parseSince(List<Response> responses, int offset, Cursor since, int count, int cap) {
        List<PostRef> refs = new ArrayList<>();
        for (PostRef ref : OutboxStore.toRefs(responses.get(offset))) {
            if (ref.postId() != SENTINEL && since.isAfter(ref)) {
                refs.add(ref);
            }
        }
        for (PostRef ref : OutboxStore.toRefs(responses.get(offset + 1))) {
            if (ref.postId() != SENTINEL) {
                refs.add(ref);
            }
        }
        refs.sort(null);
        if (refs.size() > count) {
            refs = new ArrayList<>(refs.subList(refs.size() - count, refs.size())); // the oldest ones: closest to since
        }
        Cursor floor = null;
        List<PostRef> oldest = OutboxStore.toRefs(responses.get(offset + 3));
        if (sinceSize(responses, offset) >= cap && !oldest.isEmpty()) {
            floor = Window.at(oldest.get(0));
        }
        return new Window(refs, floor);
    }

    // ---- counting above a position (the read marker's unread count), without reading the entries ----

    /** Commands in one count group: the position's millisecond, ZCOUNT above it, ZCARD, the oldest entry. */
    static final int COUNT_REQUESTS = 4;

    static List<Request> countRequests(String key, Cursor above) {
        return List.of(
                Request.cmd(Command.ZRANGE).arg(key).arg(above.createdAtMillis()).arg(above.createdAtMillis()).arg("BYSCORE")
                        .arg("WITHSCORES"),
                Request.cmd(Command.ZCOUNT).arg(key).arg("(" + above.createdAtMillis()).arg("+inf"),
                Request.cmd(Command.ZCARD).arg(key),
                Request.cmd(Command.ZRANGE).arg(key).arg("(0").arg("+inf").arg("BYSCORE").arg("LIMIT").arg(0).arg(1).arg("WITHSCORES"));
    }

    /** Entries strictly above the position; -1 if the ZSET does not exist or cannot vouch that far down (trimmed). */
    static long parseCount(List<Response> responses, int offset, Cursor above, int cap) {
        long size = responses.get(offset + 2).toLong();
        if (size == 0) {
            return -1;
        }
        List<PostRef> oldest = OutboxStore.toRefs(responses.get(offset + 3));
        if (size >= cap && !oldest.isEmpty() && Window.at(oldest.get(0)).isBefore(new PostRef(above.postId(), above.createdAtMillis()))) {
            return -1;
        }
        long count = responses.get(offset + 1).toLong();
        for (PostRef ref : OutboxStore.toRefs(responses.get(offset))) {
            if (above.isAfter(ref)) {
                count++;
            }
        }
        return count;
    }
}
