package dev.feed.post;

import dev.feed.hotcache.PostRef;
import dev.feed.problem.ProblemException;

/**
 * A page position: {@code <createdAtEpochMillis>.<postId>} of the last item of the previous
 * page. The next page holds what is strictly older in (createdAt desc, id desc), so posts that
 * share a millisecond are neither repeated nor skipped.
 */
public record Cursor(long createdAtMillis, long postId) {

    public static Cursor parse(String raw) {
        return parse(raw, "cursor", "nextCursor");
    }

    /** Parses {@code since} (a position handed out as prevCursor or a stream event id); malformed is a 400 naming it. */
    public static Cursor parseSince(String raw) {
        return parse(raw, "since", "prevCursor");
    }

    private static Cursor parse(String raw, String name, String source) {
        if (raw == null) {
            return null;
        }
        int dot = raw.indexOf('.');
        if (dot > 0 && dot < raw.length() - 1 && raw.indexOf('.', dot + 1) < 0) {
            try {
                long millis = Long.parseLong(raw.substring(0, dot));
                long id = Long.parseLong(raw.substring(dot + 1));
                if (millis >= 0 && id > 0 && Character.isDigit(raw.charAt(0)) && Character.isDigit(raw.charAt(dot + 1))) {
                    return new Cursor(millis, id);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw ProblemException.badRequest(name + " must be '<createdAtEpochMillis>.<postId>' as returned in " + source + ", got '" + raw + "'");
    }

    public static Cursor after(PostRef last) {
        return new Cursor(last.createdAtMillis(), last.postId());
    }

    /** True if the ref comes strictly after this cursor in newest-first order. */
    public boolean isBefore(PostRef ref) {
        return ref.createdAtMillis() < createdAtMillis
                || (ref.createdAtMillis() == createdAtMillis && ref.postId() < postId);
    }

    /** True if the ref comes strictly before this cursor in newest-first order, i.e. it is newer. */
    public boolean isAfter(PostRef ref) {
        return ref.createdAtMillis() > createdAtMillis
                || (ref.createdAtMillis() == createdAtMillis && ref.postId() > postId);
    }

    /** The position of an item as the API shows it. */
    public static Cursor of(PostView view) {
        return new Cursor(java.time.Instant.parse(view.createdAt()).toEpochMilli(), view.id());
    }

    @Override
    public String toString() {
        return createdAtMillis + "." + postId;
    }

    /** Parses {@code limit}: 1 to 100, default 20; anything else is a 400. */
    public static int limit(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= 100) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest("limit must be an integer from 1 to 100, got '" + raw + "'");
    }
}
