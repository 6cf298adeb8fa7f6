package dev.feed.hotcache;

/**
 * Count-min sketch of reads per author, TinyLFU style: estimates only over-count, and {@link #halve}
 * ages everything so past popularity fades. Counters are ints rather than TinyLFU's 4 bits because
 * the promotion threshold is a read count that can exceed 15. Conservative update (only the minimal
 * counters are bumped) keeps collisions from inflating estimates as much as plain count-min does.
 * A single monitor is enough: every operation is a handful of array accesses.
 */
final class FrequencySketch {
  private static final int DEPTH = 4;
  private static final long[] SEEDS = {
    0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L, 0xD6E8FEB86659FD93L
  };

  private final int[] counters;
  private final int width;
  private final int[] scratch = new int[DEPTH];

  FrequencySketch(int minWidth) {
    this.width = Integer.highestOneBit(Math.max(16, minWidth - 1) << 1);
    this.counters = new int[DEPTH * width];
  }

  /** Records one read and returns the new estimate. */
  synchronized int increment(long key) {
    int min = Integer.MAX_VALUE;
    for (int row = 0; row < DEPTH; row++) {
      scratch[row] = index(key, row);
      min = Math.min(min, counters[scratch[row]]);
    }
    if (min == Integer.MAX_VALUE) {
      return min;
    }
    for (int row = 0; row < DEPTH; row++) {
      if (counters[scratch[row]] == min) {
        counters[scratch[row]] = min + 1;
      }
    }
    return min + 1;
  }

  synchronized int estimate(long key) {
    int min = Integer.MAX_VALUE;
    for (int row = 0; row < DEPTH; row++) {
      min = Math.min(min, counters[index(key, row)]);
    }
    return min;
  }

  synchronized void halve() {
    for (int i = 0; i < counters.length; i++) {
      counters[i] >>>= 1;
    }
  }

  private int index(long key, int row) {
    // splitmix64 finaliser: author ids are often sequential, so they need real mixing per row.
    long z = key ^ SEEDS[row];
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return row * width + (int) (z & (width - 1));
  }
}
