package dev.feed.relation.user;

import dev.feed.relation.problem.ProblemException;

/** Parses ids taken from paths and cursors; anything that is not a positive 64-bit number is a 400. */
public final class Ids {
    /** What a valid id looks like in the OpenAPI document: a positive decimal of at most 19 digits. */
    public static final String PATTERN = "^[1-9][0-9]{0,18}$";

    private static final java.util.regex.Pattern CANONICAL = java.util.regex.Pattern.compile(PATTERN);

    private Ids() {
    }

    public static long parse(String raw, String what) {
        try {
            // canonical decimal only: Long.parseLong would also take "+7", "007" and other spellings of one id
            if (raw != null && CANONICAL.matcher(raw).matches()) {
                return Long.parseLong(raw);
            }
        } catch (NumberFormatException ignored) {
            // over Long.MAX_VALUE: reported below
        }
        throw ProblemException.badRequest(what + " must be a positive 64-bit decimal number, got '" + raw + "'");
    }
}
