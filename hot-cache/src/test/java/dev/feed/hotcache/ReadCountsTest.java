package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The assertions FrequencySketchTest made of the count-min sketch, held by its Caffeine replacement. */
class ReadCountsTest {

  @Test
  void increment_manyKeys_estimateNeverBelowTrueCount() {
    ReadCounts counts = new ReadCounts(4_096);
    for (long key = 0; key < 2_000; key++) {
      for (int i = 0; i < key % 7; i++) {
        counts.increment(key);
      }
    }
    for (long key = 0; key < 2_000; key++) {
      assertThat(counts.estimate(key)).isGreaterThanOrEqualTo((int) (key % 7));
    }
  }

  @Test
  void increment_singleHotKey_isCountedExactly() {
    ReadCounts counts = new ReadCounts(1024);
    for (int i = 0; i < 500; i++) {
      counts.increment(42);
    }
    assertThat(counts.estimate(42)).isEqualTo(500);
    assertThat(counts.estimate(43)).isZero();
  }

  @Test
  void halve_agesEstimatesByHalf() {
    ReadCounts counts = new ReadCounts(1024);
    for (int i = 0; i < 9; i++) {
      counts.increment(7);
    }
    counts.halve();
    assertThat(counts.estimate(7)).isEqualTo(4);
  }

  @Test
  void halve_countReachingZero_stopsTrackingTheAuthor() {
    ReadCounts counts = new ReadCounts(1024);
    counts.increment(5);
    counts.halve();
    assertThat(counts.estimate(5)).isZero();
    assertThat(counts.increment(5)).isEqualTo(1);
  }

  @Test
  void increment_floodOfOneTimeReaders_keepsTheFrequentAuthorsCounter() {
    ReadCounts counts = new ReadCounts(64);
    int readsOfFrequent = 0;
    for (long once = 1_000; once < 101_000; once++) {
      counts.increment(once);
      if (once % 4 == 0) {
        counts.increment(1);
        readsOfFrequent++;
      }
    }
    // W-TinyLFU: once Caffeine's sketch has warmed up (it starts when the cache is half full), an author
    // read once never beats one read every fourth read, so the frequent author's counter is not dropped
    // again (a drop restarts it from zero) while 100,000 others pass through 64 slots. Only reads from
    // the warm-up may be lost, which is what the 1% margin allows for.
    assertThat(counts.estimate(1)).isGreaterThanOrEqualTo(readsOfFrequent * 99 / 100);
  }
}
