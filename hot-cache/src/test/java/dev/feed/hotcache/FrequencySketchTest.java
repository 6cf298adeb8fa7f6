package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  @Test
  void increment_manyKeys_estimateNeverBelowTrueCount() {
    FrequencySketch sketch = new FrequencySketch(1024);
    for (long key = 0; key < 2_000; key++) {
      for (int i = 0; i < key % 7; i++) {
        sketch.increment(key);
      }
    }
    for (long key = 0; key < 2_000; key++) {
      assertThat(sketch.estimate(key)).isGreaterThanOrEqualTo((int) (key % 7));
    }
  }

  @Test
  void increment_singleHotKey_isCountedExactly() {
    FrequencySketch sketch = new FrequencySketch(1024);
    for (int i = 0; i < 500; i++) {
      sketch.increment(42);
    }
    assertThat(sketch.estimate(42)).isEqualTo(500);
    assertThat(sketch.estimate(43)).isZero();
  }

  @Test
  void halve_agesEstimatesByHalf() {
    FrequencySketch sketch = new FrequencySketch(1024);
    for (int i = 0; i < 9; i++) {
      sketch.increment(7);
    }
    sketch.halve();
    assertThat(sketch.estimate(7)).isEqualTo(4);
  }
}
