package dev.feed.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The fields every event carries (schema/README.md): a fresh id and the time, to the millisecond. */
final class Envelope {
    static final int VERSION = 1;

    private Envelope() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static long id(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException("event without " + field);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " is not a decimal id: " + value, e);
        }
    }
}
