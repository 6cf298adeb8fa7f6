package dev.feed.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FolloweeCacheJitterTest {
    @Test
    void lifetimes_areSpreadOverTheLastQuarterOfTheTtl_soReadersArrivingTogetherDoNotRefetchTogether() {
        long ttl = Duration.ofSeconds(30).toNanos();
        Expiry<Long, Followees> expiry = FolloweeCache.jittered(ttl);
        Followees f = Followees.of(1L, new dev.feed.relation.RelationClient.Followees(List.of(), List.of()));
        Set<Long> seconds = new HashSet<>();
        for (long reader = 0; reader < 2_000; reader++) {
            long life = expiry.expireAfterCreate(reader, f, 0);
            assertThat(life).isBetween(ttl - ttl / 4, ttl);
            seconds.add(Duration.ofNanos(life).toSeconds());
        }
        assertThat(seconds).as("distinct whole seconds among 2000 lifetimes").hasSizeGreaterThanOrEqualTo(7);
    }
}
