package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An author moving between the pull and the push tier, against the real Redis and Cassandra: posts
 * are written as publish and fanout do ({@link Fixture}), the {@code author.tier-changed} event is
 * handed to the instance's {@link FolloweeInvalidator} in-process (its Kafka consumer is the same
 * code path), and relation-service's followee lists are switched as it does on a tier change.
 * No fanout-worker merge runs here: the follower's inbox never receives the pull-period posts, so
 * the timeline stays complete only if the instance keeps pulling the author during the transition.
 */
@QuarkusTest
class TierChangeTimelineTest {
    private static final int PAGE = 2;
    private static final int POSTS_PER_PERIOD = 3;

    @Inject
    Fixture fx;
    @Inject
    FolloweeInvalidator invalidator;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void timeline_authorMovingPullToPushToPull_withPostsInEachPeriod_isCompleteForEveryFollower() {
        long author = newUser();
        long follower = newUser();
        relation.followPull(follower, author);
        page(follower, PAGE, null); // an active follower: the inbox exists (and the author is pinned)
        assertThat(fx.inboxExists(follower)).isTrue();
        List<PostRef> expected = new ArrayList<>();

        // pull tier: fanout pushes nothing to followers
        for (int i = 0; i < POSTS_PER_PERIOD; i++) {
            expected.add(fx.publish(author));
        }
        assertComplete(follower, expected, "after the pull period");

        // to push: the inbox lacks the pull-period posts, no merge has run
        moveTo(author, follower, "push");
        assertComplete(follower, expected, "just after moving to push, before any merge");
        for (int i = 0; i < POSTS_PER_PERIOD; i++) {
            expected.add(fx.publish(author, follower)); // pushed into the live inbox
        }
        assertComplete(follower, expected, "after the push period");

        // back to pull
        moveTo(author, follower, "pull");
        assertComplete(follower, expected, "just after moving back to pull");
        for (int i = 0; i < POSTS_PER_PERIOD; i++) {
            expected.add(fx.publish(author));
        }
        assertComplete(follower, expected, "after the second pull period");
    }

    /** As relation-service does on a tier change: the follow edge changes list, then the event goes out. */
    private void moveTo(long author, long follower, String tier) {
        relation.unfollow(follower, author);
        if ("push".equals(tier)) {
            relation.followPush(follower, author);
        } else {
            relation.followPull(follower, author);
        }
        invalidator.apply(tierChanged(author, tier));
    }

    private static void assertComplete(long reader, List<PostRef> expected, String when) {
        assertThat(all(reader, PAGE)).as("timeline of %d %s", reader, when).containsExactlyElementsOf(newestFirst(expected));
    }

    private static String tierChanged(long author, String tier) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"author.tier-changed\",\"version\":1,"
                + "\"occurredAt\":\"2026-11-21T00:00:00Z\",\"authorId\":\"" + author + "\",\"tier\":\"" + tier + "\",\"followerCount\":7999}";
    }
}
