package dev.feed.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ActivityRefreshTest {
    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void due_firstReadRefreshes_thenNotAgainUntilTheIntervalHasPassed() {
        ActivityRefresh refresh = new ActivityRefresh(Duration.ofMinutes(1), nanos::get);
        assertThat(refresh.due(7)).isTrue();
        assertThat(refresh.due(7)).isFalse();
        assertThat(refresh.due(8)).as("readers are independent").isTrue();

        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(refresh.due(7)).isFalse();
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(refresh.due(7)).isTrue();
        assertThat(refresh.due(7)).isFalse();
    }

    @Test
    void forget_makesTheNextReadRefreshAgain() {
        ActivityRefresh refresh = new ActivityRefresh(Duration.ofMinutes(1), nanos::get);
        assertThat(refresh.due(7)).isTrue();
        refresh.forget(7);
        assertThat(refresh.due(7)).isTrue();
    }

    @Test
    void zeroInterval_refreshesOnEveryRead() {
        ActivityRefresh refresh = new ActivityRefresh(Duration.ZERO, nanos::get);
        assertThat(refresh.due(7)).isTrue();
        assertThat(refresh.due(7)).isTrue();
    }
}
