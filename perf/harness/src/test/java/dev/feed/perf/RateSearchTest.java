package dev.feed.perf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateSearchTest {
    /** A step as its p99 in ms: within 50 meets the target, over 200 is far off. */
    private static RateSearch<Integer> search() {
        return new RateSearch<>(p99 -> p99 <= 50, p99 -> p99 > 200);
    }

    @Test
    void oneMiss_givesTheNextRateAChance_andTheBestIsTheLastStepThatMet() {
        RateSearch<Integer> s = search();

        assertThat(s.carryOn(10)).isTrue();
        assertThat(s.carryOn(60)).isTrue();
        assertThat(s.carryOn(30)).isTrue();
        assertThat(s.best()).isEqualTo(30);
    }

    @Test
    void twoMissesInARow_stop() {
        RateSearch<Integer> s = search();
        s.carryOn(10);

        assertThat(s.carryOn(60)).isTrue();
        assertThat(s.carryOn(70)).isFalse();
        assertThat(s.best()).isEqualTo(10);
    }

    @Test
    void aFarMiss_stopsAtOnce() {
        RateSearch<Integer> s = search();
        s.carryOn(10);

        assertThat(s.carryOn(250)).isFalse();
    }

    @Test
    void noStepMet_hasNoBest() {
        RateSearch<Integer> s = search();
        s.carryOn(60);

        assertThat(s.best()).isNull();
    }
}
