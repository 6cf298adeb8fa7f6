package dev.feed.fanout.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashSlotsTest {
    @Test
    void slot_matchesRedisClusterKeyslot() {
        // CLUSTER KEYSLOT values from the Redis Cluster specification's reference implementation.
        assertThat(HashSlots.slot("123456789")).isEqualTo(0x31C3 % HashSlots.SLOTS);
        assertThat(HashSlots.slot("foo")).isEqualTo(12182);
        assertThat(HashSlots.slot("{user1000}.following")).isEqualTo(HashSlots.slot("user1000"));
        assertThat(HashSlots.slot("inbox:{42}")).isEqualTo(HashSlots.slot("outbox:{42}"));
    }

    @Test
    void group_inClusterMode_neverMixesSlots() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            keys.add("inbox:{" + i + "}");
        }

        List<List<String>> groups = HashSlots.group(keys, 100, true);

        assertThat(groups).allSatisfy(g -> assertThat(g).hasSizeLessThanOrEqualTo(100)
                .extracting(HashSlots::slot).containsOnly(HashSlots.slot(g.get(0))));
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(5000);
    }

    @Test
    void group_standalone_chunksInOrder() {
        List<String> keys = List.of("a", "b", "c", "d", "e");

        assertThat(HashSlots.group(keys, 2, false)).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
    }
}
