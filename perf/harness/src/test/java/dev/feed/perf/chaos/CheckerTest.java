package dev.feed.perf.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker's model and its comparison, on synthetic timelines (no stack needed). */
class CheckerTest {
    private static final long READER = 100;
    private static final long ALICE = 1;
    private static final long BOB = 2;
    private static final long CAROL = 3;

    /** The reader follows Alice and Bob (not Carol); posts 11..14 at increasing times, 15 by the reader. */
    private static Model model() {
        Model m = new Model();
        m.edge(READER, ALICE, true, true);
        m.edge(READER, BOB, true, true);
        m.acknowledged(new Model.Post(11, ALICE, 1_000), "k11");
        m.acknowledged(new Model.Post(12, BOB, 2_000), "k12");
        m.acknowledged(new Model.Post(13, ALICE, 3_000), "k13");
        m.acknowledged(new Model.Post(14, CAROL, 4_000), "k14");
        m.acknowledged(new Model.Post(15, READER, 5_000), "k15");
        return m;
    }

    private static List<Long> expected(Model m) {
        return m.timeline(READER).stream().map(Model.Post::id).toList();
    }

    @Test
    void modelTimeline_isOwnAndFollowedPosts_newestFirst_withoutDeletesOrUnfollowed() {
        Model m = model();
        m.deleteAsked(12);

        assertThat(expected(m)).containsExactly(15L, 13L, 11L);
    }

    @Test
    void modelTimeline_afterUnfollow_dropsThatAuthorsPosts() {
        Model m = model();
        m.edge(READER, ALICE, false, true);

        assertThat(expected(m)).containsExactly(15L, 12L);
    }

    @Test
    void timelineEqualToModel_isClean() {
        Model m = model();

        Checker.Diff d = Checker.compare(List.of(15L, 13L, 12L, 11L), expected(m), m);

        assertThat(d.clean()).isTrue();
    }

    @Test
    void postMissingFromTimeline_isCountedLost() {
        Model m = model();

        Checker.Diff d = Checker.compare(List.of(15L, 13L, 11L), expected(m), m);

        assertThat(d.clean()).isFalse();
        assertThat(d.missing()).isEqualTo(1);
        assertThat(d.example()).contains("missing [12]");
    }

    @Test
    void postShownTwice_isCountedDuplicated_notMissing() {
        Model m = model();

        Checker.Diff d = Checker.compare(List.of(15L, 13L, 12L, 12L, 11L), expected(m), m);

        assertThat(d.duplicates()).isEqualTo(1);
        assertThat(d.missing()).isZero();
        assertThat(d.wrongOrder()).isFalse();
        assertThat(d.clean()).isFalse();
    }

    @Test
    void allPostsButTwoSwapped_isWrongOrder() {
        Model m = model();

        Checker.Diff d = Checker.compare(List.of(15L, 12L, 13L, 11L), expected(m), m);

        assertThat(d.wrongOrder()).isTrue();
        assertThat(d.missing()).isZero();
        assertThat(d.duplicates()).isZero();
        assertThat(d.clean()).isFalse();
    }

    @Test
    void postShownAfterItsDelete_isExtra_andCountedShownAfterDelete() {
        Model m = model();
        m.deleteAsked(13);

        Checker.Diff d = Checker.compare(List.of(15L, 13L, 12L, 11L), expected(m), m);

        assertThat(d.extra()).isEqualTo(1);
        assertThat(d.shownAfterDelete()).isEqualTo(1);
        assertThat(d.example()).contains("13 deleted");
        assertThat(d.clean()).isFalse();
    }

    @Test
    void postOfAnAuthorNotFollowed_isExtra_butNotShownAfterDelete() {
        Model m = model();

        Checker.Diff d = Checker.compare(List.of(15L, 14L, 13L, 12L, 11L), expected(m), m);

        assertThat(d.extra()).isEqualTo(1);
        assertThat(d.shownAfterDelete()).isZero();
        assertThat(d.example()).contains("14 by unfollowed 3");
    }

    @Test
    void timelineThatCouldNotBeRead_isNotClean() {
        assertThat(Checker.Diff.unreadable("timeline page answered 503").clean()).isFalse();
    }

    @Test
    void acknowledgedPostAbsentFromCassandra_isLost() {
        Model m = model();
        Checker.Result r = new Checker.Result();

        r.stored(m.posts().get(11L), false, false, false);
        r.stored(m.posts().get(12L), true, false, false);

        assertThat(r.postsChecked).isEqualTo(2);
        assertThat(r.lostInCassandra).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void deletedPostStillLiveInCassandra_isDeleteNotApplied_andTombstonedIsFine() {
        Model m = model();
        Checker.Result r = new Checker.Result();

        r.stored(m.posts().get(11L), true, false, true);
        r.stored(m.posts().get(12L), true, true, true);

        assertThat(r.deleteNotApplied).isEqualTo(1);
        assertThat(r.lostInCassandra).isZero();
        assertThat(r.clean()).isFalse();
    }

    @Test
    void secondPostForOnePublish_isDuplicated() {
        Checker.Result r = new Checker.Result();

        r.unacknowledgedStored(99, ALICE);

        assertThat(r.duplicated()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void readerStillDifferingAfterSettle_addsItsDiffToTheResult() {
        Model m = model();
        m.deleteAsked(13);
        Checker.Result r = new Checker.Result();

        r.differs(READER, Checker.compare(List.of(15L, 13L, 12L, 12L), expected(m), m));

        assertThat(r.readersDiffering).isEqualTo(1);
        assertThat(r.timelineMissing).isEqualTo(1);
        assertThat(r.timelineDuplicates).isEqualTo(1);
        assertThat(r.timelineShownAfterDelete).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.duplicated()).isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyAnsweredWithTwoPosts_isAnIdempotencyViolation() {
        Model m = model();

        m.acknowledged(new Model.Post(16, ALICE, 6_000), "k11");

        assertThat(m.idempotencyViolations).containsExactly("k11: 11 and 16");
    }
}
