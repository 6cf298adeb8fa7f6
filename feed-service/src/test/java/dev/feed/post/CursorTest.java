package dev.feed.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feed.hotcache.PostRef;
import dev.feed.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    @Test
    void parse_roundTripsToString() {
        Cursor c = Cursor.parse("1763700000123.9007199254740993");
        assertThat(c).isEqualTo(new Cursor(1_763_700_000_123L, 9_007_199_254_740_993L));
        assertThat(c.toString()).isEqualTo("1763700000123.9007199254740993");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "123", "123.", ".5", "1.2.3", "-1.5", "1.-5", "1.0", "1.x", "99999999999999999999.1", "+1.2"})
    void parse_malformed_isBadRequest(String raw) {
        assertThatThrownBy(() -> Cursor.parse(raw)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(400));
    }

    @Test
    void isBefore_sameMillisecond_comparesIds() {
        Cursor c = new Cursor(1000, 50);
        assertThat(c.isBefore(new PostRef(49, 1000))).isTrue();
        assertThat(c.isBefore(new PostRef(50, 1000))).as("the cursor's own item is not repeated").isFalse();
        assertThat(c.isBefore(new PostRef(51, 1000))).isFalse();
        assertThat(c.isBefore(new PostRef(99, 999))).isTrue();
        assertThat(c.isBefore(new PostRef(1, 1001))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "x", "1.5"})
    void limit_outOfRange_isBadRequest(String raw) {
        assertThatThrownBy(() -> Cursor.limit(raw)).isInstanceOf(ProblemException.class);
    }

    @Test
    void limit_defaultsTo20() {
        assertThat(Cursor.limit(null)).isEqualTo(20);
        assertThat(Cursor.limit("100")).isEqualTo(100);
    }
}
