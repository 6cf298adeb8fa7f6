package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoMillisTest {
    private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    /** The reference's {@code yyyy} is year-of-era: it prints ISO year 0 as 0001 (1 BC), so compare from year 1. */
    private static final long YEAR_1 = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

    @Test
    void format_matchesDateTimeFormatter_onRandomInstantsOfYears1To9999() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long millis = random.nextLong(YEAR_1, YEAR_10000);
            assertThat(IsoMillis.format(millis)).as("epoch millis %d", millis).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void format_edges_leapDaysEpochAndRangeEnds() {
        for (String at : new String[] {"1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.001Z",
                "1900-02-28T23:59:59.999Z", "1900-03-01T00:00:00.000Z", "2024-02-29T00:00:00.000Z", "2025-12-01T09:06:40.123Z",
                "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
            assertThat(IsoMillis.format(Instant.parse(at).toEpochMilli())).isEqualTo(at);
        }
    }

    @Test
    void format_outsideYears0To9999_isRefused() {
        assertThatThrownBy(() -> IsoMillis.format(YEAR_10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IsoMillis.format(YEAR_0 - 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
