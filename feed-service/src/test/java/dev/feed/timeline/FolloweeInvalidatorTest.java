package dev.feed.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.HotCache;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FolloweeInvalidatorTest {
    @Inject
    FolloweeInvalidator invalidator;
    @Inject
    HotCache hotCache;

    private static String tierChanged(long author, String tier) {
        return "{\"eventId\":\"7f6c1c1e-3f9a-4a59-9a57-0c5c8d2f1b11\",\"type\":\"author.tier-changed\",\"version\":1,"
                + "\"occurredAt\":\"2026-11-21T00:00:00Z\",\"authorId\":\"" + author + "\",\"tier\":\"" + tier + "\",\"followerCount\":7999}";
    }

    @Test
    void tierChangedToPush_unpinsTheAuthorFromHotCache() {
        long author = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        hotCache.pin(author);
        assertThat(hotCache.isResident(author)).isTrue();

        invalidator.apply(tierChanged(author, "push"));

        assertThat(hotCache.isResident(author)).isFalse();
    }

    @Test
    void tierChangedToPull_keepsOrLeavesResidencyToTheFirstRead() {
        long author = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        hotCache.pin(author);

        invalidator.apply(tierChanged(author, "pull"));

        assertThat(hotCache.isResident(author)).isTrue();
    }
}
