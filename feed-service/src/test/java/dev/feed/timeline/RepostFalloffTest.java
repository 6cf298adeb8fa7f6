package dev.feed.timeline;

import static dev.feed.timeline.Fixture.all;
import static dev.feed.timeline.Fixture.as;
import static dev.feed.timeline.Fixture.ids;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.post.SnowflakeIds;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The falloff rule (DESIGN "Safety and reposts", Mastodon's REBLOG_FALLOFF) against the real
 * Cassandra, Redis and Kafka: a repost is not shown when the original, or another repost of it, is
 * among the 40 items of the home timeline just older than the repost; otherwise it is. Each case
 * puts the original exactly 40 items below a repost (hidden) or 41 (shown), for a push-tier
 * reposter (the repost in the reader's inbox) and a pull-tier one (pulled at read), and reads the
 * whole timeline in small pages, so the 40 items below reach across page boundaries.
 *
 * <p>Layout: the original and the fillers are fixture posts an hour old; reposts are made over HTTP
 * now, so they are the newest items of the timeline.
 */
@QuarkusTest
class RepostFalloffTest {
    /** Small pages: the 40 items below a repost are mostly on later pages. */
    private static final int PAGE = 7;

    @Inject
    Fixture fx;
    @Inject
    HotCache hotCache;

    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void pushTierRepost_withItsOriginalTheFortiethItemBelow_isNotShown() {
        Timeline t = pushTier(RepostFalloff.FALLOFF - 1);

        assertThat(all(t.reader, PAGE)).containsExactlyElementsOf(t.withoutRepost());
        assertThat(ids(page(t.reader, 20, null))).startsWith(t.fillersNewestFirst().get(0)).doesNotContain(t.repost);
    }

    @Test
    void pushTierRepost_withItsOriginalTheFortyFirstItemBelow_isShownAtItsTime() {
        Timeline t = pushTier(RepostFalloff.FALLOFF);

        assertThat(all(t.reader, PAGE)).containsExactlyElementsOf(t.withRepost());
        assertThat(ids(page(t.reader, 20, null))).startsWith(t.repost);
    }

    @Test
    void pullTierRepost_withItsOriginalTheFortiethItemBelow_isNotShown() {
        Timeline t = pullTier(RepostFalloff.FALLOFF - 1);

        assertThat(all(t.reader, PAGE)).containsExactlyElementsOf(t.withoutRepost());
    }

    @Test
    void pullTierRepost_withItsOriginalTheFortyFirstItemBelow_isShownAtItsTime() {
        Timeline t = pullTier(RepostFalloff.FALLOFF);

        assertThat(all(t.reader, PAGE)).containsExactlyElementsOf(t.withRepost());
    }

    @Test
    void repost_withAnotherRepostOfTheSameOriginalJustBelow_isNotShown_theOlderRepostIs() {
        long reader = newUser();
        long author = newUser();
        long first = newUser();
        long second = newUser();
        relation.followPush(reader, author, first);
        relation.followPull(reader, second);
        page(reader, 1, null);
        PostRef original = fx.publish(author, reader);
        List<PostRef> fillers = fillers(author, RepostFalloff.FALLOFF, reader);
        long shown = repost(first, original.postId()); // the original is the 41st item below it
        fx.pushToLiveInboxes(refOf(shown), reader);
        long hidden = repost(second, original.postId()); // pull tier: the first repost is the item just below it
        hotCache.onChange(second).toCompletableFuture().join();

        List<Long> expected = new ArrayList<>();
        expected.add(shown);
        expected.addAll(newestFirst(fillers));
        expected.add(original.postId());
        assertThat(all(reader, PAGE)).containsExactlyElementsOf(expected).doesNotContain(hidden);
    }

    @Test
    void itemsOfMutedAuthors_areNotItemsOfTheTimeline_andDoNotPushTheOriginalOutOfTheForty() {
        long reader = newUser();
        long author = newUser();
        long muted = newUser();
        long reposter = newUser();
        relation.followPush(reader, author, muted, reposter);
        relation.mute(reader, muted);
        page(reader, 1, null);
        PostRef original = fx.publish(author, reader);
        // more muted posts than one candidates round below a page reads: the rule must look past them
        fillers(muted, 3 * RepostFalloff.FALLOFF, reader);
        List<PostRef> fillers = fillers(author, RepostFalloff.FALLOFF - 1, reader);
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);

        List<Long> expected = new ArrayList<>(newestFirst(fillers));
        expected.add(original.postId());
        assertThat(all(reader, PAGE)).containsExactlyElementsOf(expected);
        assertThat(ids(page(reader, 5, null))).doesNotContain(repost);
    }

    // ---- layout: original, then `between` fillers, then the repost (the original is item between + 1 below it) ----

    private record Timeline(long reader, long original, List<PostRef> fillers, long repost) {
        List<Long> fillersNewestFirst() {
            return newestFirst(fillers);
        }

        List<Long> withoutRepost() {
            List<Long> ids = new ArrayList<>(fillersNewestFirst());
            ids.add(original);
            return ids;
        }

        List<Long> withRepost() {
            List<Long> ids = new ArrayList<>();
            ids.add(repost);
            ids.addAll(withoutRepost());
            return ids;
        }
    }

    /** The reposter is a push-tier followee: the repost reaches the reader's inbox as fanout-worker would push it. */
    private Timeline pushTier(int between) {
        long reader = newUser();
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reader, author, reposter);
        page(reader, 1, null);
        PostRef original = fx.publish(author, reader);
        List<PostRef> fillers = fillers(author, between, reader);
        long repost = repost(reposter, original.postId());
        fx.pushToLiveInboxes(refOf(repost), reader);
        return new Timeline(reader, original.postId(), fillers, repost);
    }

    /** The reposter is a pull-tier followee: the repost is pulled from its outbox / the hot-cache at read. */
    private Timeline pullTier(int between) {
        long reader = newUser();
        long author = newUser();
        long reposter = newUser();
        relation.followPush(reader, author);
        relation.followPull(reader, reposter);
        page(reader, 1, null);
        PostRef original = fx.publish(author, reader);
        List<PostRef> fillers = fillers(author, between, reader);
        long repost = repost(reposter, original.postId());
        hotCache.onChange(reposter).toCompletableFuture().join(); // the pull-tier change broadcast, delivered in-process
        return new Timeline(reader, original.postId(), fillers, repost);
    }

    private List<PostRef> fillers(long author, int n, long reader) {
        List<PostRef> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            refs.add(fx.publish(author, reader));
        }
        return refs;
    }

    private static long repost(long user, long postId) {
        return as(user).post("/v1/posts/" + postId + "/reposts").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static PostRef refOf(long postId) {
        return new PostRef(postId, SnowflakeIds.instantOf(postId).toEpochMilli());
    }
}
