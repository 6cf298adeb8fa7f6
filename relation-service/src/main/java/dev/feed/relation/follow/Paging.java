package dev.feed.relation.follow;

import dev.feed.relation.problem.ProblemException;

/** Parses {@code limit} and keyset cursors from query strings; anything out of range is a 400 that says so. */
public final class Paging {
    private Paging() {
    }

    public static int limit(String raw, int defaultLimit, int max, String name) {
        if (raw == null || raw.isEmpty()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest(name + " must be a whole number from 1 to " + max + ", got '" + raw + "'");
    }

    /** A keyset position: the last id already seen, as a decimal string; absent means from the start (0). */
    public static long after(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            long after = Long.parseLong(raw);
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest(name + " must be an id from a previous page (a non-negative decimal number), got '" + raw + "'");
    }
}
