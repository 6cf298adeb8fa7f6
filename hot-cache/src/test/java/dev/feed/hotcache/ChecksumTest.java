package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksumTest {

  @Test
  void checksum_emptyList_isFingerprintOfNoBytes() {
    assertThat(HotCache.checksum(List.of())).isEqualTo(0x9ae16a3b2f90404fL).isEqualTo(HotCache.EMPTY_CHECKSUM)
        .isEqualTo(Hashing.farmHashFingerprint64().hashBytes(new byte[0]).asLong());
  }

  // The layout built independently of the Hasher: 16 little-endian bytes per ref, postId first.
  @Test
  void checksum_anyList_isFarmHashFingerprint64OfLittleEndianPairs() {
    List<PostRef> refs = List.of(new PostRef(42, 1_700_000_000_000L), new PostRef(7, 1_600_000_000_000L));
    ByteBuffer bytes = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    refs.forEach(r -> bytes.putLong(r.postId()).putLong(r.createdAtMillis()));
    assertThat(HotCache.checksum(refs)).isEqualTo(Hashing.farmHashFingerprint64().hashBytes(bytes.array()).asLong());
  }

  // Pinned values: instances of different versions compare these through Redis, so a change of function
  // or layout must fail here first (Guava promises fingerprint output never changes).
  @Test
  void checksum_knownVectors_arePinned() {
    assertThat(HotCache.checksum(List.of(new PostRef(1, 2)))).isEqualTo(0x9055bf2e896aae0dL);
    assertThat(HotCache.checksum(List.of(new PostRef(42, 1_700_000_000_000L), new PostRef(7, 1_600_000_000_000L))))
        .isEqualTo(0x33fb0832e552fe82L);
    assertThat(HotCache.checksum(List.of(new PostRef(-1, 0)))).isEqualTo(0x91ca37f6b776ec31L);
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
