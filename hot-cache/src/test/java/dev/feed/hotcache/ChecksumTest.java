package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksumTest {

  @Test
  void checksum_emptyList_isFnvOffsetBasis() {
    assertThat(HotCache.checksum(List.of())).isEqualTo(0xcbf29ce484222325L).isEqualTo(HotCache.EMPTY_CHECKSUM);
  }

  // Reference values computed independently (Python: FNV-1a 64 over struct.pack('>qq...')); the
  // same code reproduces the published FNV-1a 64 vector fnv("a") = 0xaf63dc4c8601ec8c.
  @Test
  void checksum_knownVectors_matchReferenceFnv1a64OverBigEndianPairs() {
    assertThat(HotCache.checksum(List.of(new PostRef(1, 2)))).isEqualTo(0xf4b5c85bcc646aecL);
    assertThat(HotCache.checksum(List.of(new PostRef(42, 1_700_000_000_000L), new PostRef(7, 1_600_000_000_000L))))
        .isEqualTo(0x04c52ed4f6ec245aL);
    assertThat(HotCache.checksum(List.of(new PostRef(-1, 0)))).isEqualTo(0x780d5836696931ddL);
  }

  @Test
  void checksum_sameRefsInDifferentOrder_differ() {
    List<PostRef> newestFirst = List.of(new PostRef(2, 200), new PostRef(1, 100));
    List<PostRef> reversed = List.of(new PostRef(1, 100), new PostRef(2, 200));
    assertThat(HotCache.checksum(newestFirst)).isNotEqualTo(HotCache.checksum(reversed));
  }

  @Test
  void checksum_equalListsFromDifferentInstances_areEqual() {
    List<PostRef> a = List.of(new PostRef(9, 900), new PostRef(8, 800));
    List<PostRef> b = new ArrayList<>(List.of(new PostRef(9, 900), new PostRef(8, 800)));
    assertThat(HotCache.checksum(a)).isEqualTo(HotCache.checksum(b));
  }

  @Test
  void checksum_swappedPostIdAndTimestamp_differ() {
    assertThat(HotCache.checksum(List.of(new PostRef(1, 2)))).isNotEqualTo(HotCache.checksum(List.of(new PostRef(2, 1))));
  }

  @Test
  void postRef_naturalOrder_isNewestFirstThenHigherPostIdFirst() {
    List<PostRef> refs = new ArrayList<>(List.of(new PostRef(1, 100), new PostRef(3, 300), new PostRef(2, 300)));
    refs.sort(null);
    assertThat(refs).containsExactly(new PostRef(3, 300), new PostRef(2, 300), new PostRef(1, 100));
  }

  @Test
  void newestDistinct_unsortedWithDuplicates_keepsNewestKDistinctNewestFirst() {
    List<PostRef> raw = List.of(new PostRef(1, 100), new PostRef(5, 500), new PostRef(5, 500), new PostRef(3, 300),
        new PostRef(4, 400), new PostRef(3, 50));
    assertThat(PostRef.newestDistinct(raw, 3))
        .containsExactly(new PostRef(5, 500), new PostRef(4, 400), new PostRef(3, 300));
    assertThat(PostRef.newestDistinct(raw, 0)).isEmpty();
  }
}
