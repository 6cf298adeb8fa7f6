package dev.feed.post;

/**
 * Epoch milliseconds as ISO-8601 UTC with milliseconds ({@code 2025-12-01T09:06:40.123Z}), the
 * API's only timestamp shape. Written out by hand because it runs for every post of every page:
 * {@code DateTimeFormatter} took about 5% of feed-service's CPU on timeline reads. Years 0 to 9999.
 */
final class IsoMillis {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private IsoMillis() {
    }

    static String format(long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year out of range 0-9999: " + year);
        }
        char[] out = new char[24];
        put(out, 0, (int) year, 4);
        out[4] = '-';
        put(out, 5, month, 2);
        out[7] = '-';
        put(out, 8, day, 2);
        out[10] = 'T';
        put(out, 11, millisOfDay / 3_600_000, 2);
        out[13] = ':';
        put(out, 14, millisOfDay / 60_000 % 60, 2);
        out[16] = ':';
        put(out, 17, millisOfDay / 1000 % 60, 2);
        out[19] = '.';
        put(out, 20, millisOfDay % 1000, 3);
        out[23] = 'Z';
        return new String(out);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
