package dev.feed.hotcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feed.hotcache.AuthorEntry.Reason;
import dev.feed.hotcache.Fakes.FakeLoader;
import dev.feed.hotcache.Fakes.FakeTicker;
import dev.feed.hotcache.Fakes.ManualExecutor;
import dev.feed.hotcache.HotCache.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HotCacheTest {
  private static final long CELEB = 1L;
  private static final long AGING_MILLIS = 60_000;

  private final FakeTicker ticker = new FakeTicker();
  private final ManualExecutor executor = new ManualExecutor();
  private final FakeLoader loader = new FakeLoader();
  private final List<AuthorEntry> rebuilt = new ArrayList<>();

  private HotCache cache(UnaryOperator<HotCache.Builder> tweak) {
    return tweak.apply(HotCache.builder()
        .loader(loader)
        .ticker(ticker)
        .executor(executor)
        .maxRefsPerAuthor(3)
        .maxFrequentAuthors(2)
        .frequentReadThreshold(3)
        .agingPeriod(Duration.ofMillis(AGING_MILLIS))
        .onRebuilt(rebuilt::add)).build();
  }

  private HotCache cache() {
    return cache(b -> b);
  }

  private HotCache pinnedAndLoaded(long authorId) {
    HotCache cache = cache();
    cache.pin(authorId);
    executor.runAll();
    return cache;
  }

  private static <T> T done(CompletableFuture<T> stage) {
    assertThat(stage).isDone();
    return stage.join();
  }

  // ---- residency ----

  @Test
  void pin_loadsAsynchronouslyThenServesHits() {
    loader.put(CELEB, new PostRef(10, 100));
    HotCache cache = cache();

    cache.pin(CELEB);

    assertThat(cache.isResident(CELEB)).isTrue();
    assertThat(loader.calls(CELEB)).isZero(); // nothing ran on the caller's thread
    assertThat(cache.get(CELEB)).isEmpty();
    executor.runAll();
    AuthorEntry entry = cache.get(CELEB).orElseThrow();
    assertThat(entry.refs()).containsExactly(new PostRef(10, 100));
    assertThat(entry.reason()).isEqualTo(Reason.PINNED);
    assertThat(entry.version()).isEqualTo(1);
    assertThat(entry.loadedAtMillis()).isEqualTo(ticker.millis());
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  void get_nonResidentAuthor_isMissWithoutIo() {
    HotCache cache = cache();

    assertThat(cache.get(99)).isEmpty();

    assertThat(executor.queued()).isZero();
    assertThat(loader.calls(99)).isZero();
    assertThat(cache.stats().misses()).isEqualTo(1);
    assertThat(cache.isResident(99)).isFalse();
  }

  @Test
  void unpin_pinnedAuthor_evictsIt() {
    HotCache cache = pinnedAndLoaded(CELEB);

    assertThat(cache.unpin(CELEB)).isTrue();

    assertThat(cache.isResident(CELEB)).isFalse();
    assertThat(cache.peek(CELEB)).isEmpty();
    assertThat(cache.unpin(CELEB)).isFalse();
  }

  @Test
  void peek_loadedAuthor_returnsEntryWithoutTouchingMetricsOrSketch() {
    HotCache cache = pinnedAndLoaded(CELEB);

    for (int i = 0; i < 10; i++) {
      assertThat(cache.peek(CELEB)).isPresent();
      assertThat(cache.peek(2)).isEmpty();
    }

    assertThat(cache.stats().hits()).isZero();
    assertThat(cache.stats().misses()).isZero();
    assertThat(cache.isResident(2)).isFalse();
  }

  // ---- rebuilds and coalescing ----

  @Test
  void onChange_nonResidentAuthor_isIgnoredWithoutIo() {
    HotCache cache = cache();

    Optional<AuthorEntry> result = done(cache.onChange(5).toCompletableFuture());

    assertThat(result).isEmpty();
    assertThat(executor.queued()).isZero();
    assertThat(loader.calls(5)).isZero();
    assertThat(cache.stats().ignoredChanges()).isEqualTo(1);
  }

  @Test
  void onChange_residentAuthor_rebuildsAndBumpsVersionAndNotifiesListener() {
    loader.put(CELEB, new PostRef(1, 100));
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.put(CELEB, new PostRef(2, 200), new PostRef(1, 100));

    CompletableFuture<Optional<AuthorEntry>> stage = cache.onChange(CELEB).toCompletableFuture();
    assertThat(stage).isNotDone();
    executor.runAll();

    AuthorEntry entry = done(stage).orElseThrow();
    assertThat(entry.refs()).containsExactly(new PostRef(2, 200), new PostRef(1, 100));
    assertThat(entry.version()).isEqualTo(2);
    assertThat(entry.checksum()).isEqualTo(HotCache.checksum(entry.refs()));
    assertThat(rebuilt).hasSize(2).last().isEqualTo(entry);
    assertThat(cache.stats().rebuilds()).isEqualTo(2);
  }

  @Test
  void onChange_burstOfChanges_coalescesToOneLoadInFlightPlusOneFollowUp() {
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.hold();
    CompletableFuture<Optional<AuthorEntry>> first = cache.onChange(CELEB).toCompletableFuture();
    executor.runAll(); // the load is now in flight
    assertThat(loader.held()).isEqualTo(1);

    List<CompletableFuture<Optional<AuthorEntry>>> burst = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      burst.add(cache.onChange(CELEB).toCompletableFuture());
    }
    executor.runAll();
    assertThat(loader.held()).isEqualTo(1); // still only the one in flight

    loader.release();
    executor.runAll(); // first load applied; exactly one follow-up starts
    assertThat(first).isDone();
    assertThat(burst).noneMatch(CompletableFuture::isDone); // started before the burst, so it can't cover it
    assertThat(loader.held()).isEqualTo(1);

    loader.release();
    executor.runAll();
    assertThat(burst).allMatch(CompletableFuture::isDone);
    assertThat(loader.calls(CELEB)).isEqualTo(1 + 2); // pin + in-flight + one follow-up
    assertThat(cache.stats().coalescedChanges()).isEqualTo(999);
  }

  @Test
  void onChange_burstBeforeLoadStarts_isCoveredBySingleLoad() {
    HotCache cache = pinnedAndLoaded(CELEB);

    List<CompletableFuture<Optional<AuthorEntry>>> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      burst.add(cache.onChange(CELEB).toCompletableFuture());
    }
    executor.runAll();

    assertThat(loader.calls(CELEB)).isEqualTo(1 + 1);
    assertThat(burst).allMatch(f -> f.join().orElseThrow().version() == 2);
  }

  @Test
  void onChange_stageReflectsOutboxAsOfTheChange() {
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.hold();
    cache.onChange(CELEB);
    executor.runAll(); // in flight, reading the outbox before the publish below

    loader.put(CELEB, new PostRef(7, 700));
    CompletableFuture<Optional<AuthorEntry>> afterPublish = cache.onChange(CELEB).toCompletableFuture();
    loader.release();
    executor.runAll();
    assertThat(afterPublish).isNotDone();
    loader.release();
    executor.runAll();

    assertThat(done(afterPublish).orElseThrow().refs()).containsExactly(new PostRef(7, 700));
  }

  @Test
  void load_unsortedDuplicatedOversizedResult_keepsNewestKDistinct() {
    loader.put(CELEB, new PostRef(1, 100), new PostRef(4, 400), new PostRef(2, 200), new PostRef(4, 400),
        new PostRef(3, 300), new PostRef(5, 50));

    HotCache cache = pinnedAndLoaded(CELEB);

    assertThat(cache.peek(CELEB).orElseThrow().refs())
        .containsExactly(new PostRef(4, 400), new PostRef(3, 300), new PostRef(2, 200));
  }

  @Test
  void load_failure_keepsPreviousListCountsFailureAndRetriesOnNextChange() {
    loader.put(CELEB, new PostRef(1, 100));
    HotCache cache = pinnedAndLoaded(CELEB);
    AuthorEntry before = cache.peek(CELEB).orElseThrow();
    loader.put(CELEB, new PostRef(2, 200));
    loader.failNextLoads(new IllegalStateException("redis down"));

    CompletableFuture<Optional<AuthorEntry>> failed = cache.onChange(CELEB).toCompletableFuture();
    executor.runAll();

    assertThat(done(failed)).contains(before); // completes normally, with the old entry
    assertThat(cache.get(CELEB)).contains(before);
    assertThat(cache.stats().rebuildFailures()).isEqualTo(1);
    assertThat(rebuilt).hasSize(1);

    loader.succeedNextLoads();
    CompletableFuture<Optional<AuthorEntry>> retried = cache.onChange(CELEB).toCompletableFuture();
    executor.runAll();
    assertThat(done(retried).orElseThrow().refs()).containsExactly(new PostRef(2, 200));
    assertThat(done(retried).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void load_asyncFailureOfInFlightLoad_stillRunsOwedFollowUp() {
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.hold();
    cache.onChange(CELEB);
    executor.runAll();
    CompletableFuture<Optional<AuthorEntry>> owed = cache.onChange(CELEB).toCompletableFuture();

    loader.failHeld(new IllegalStateException("timeout"));
    executor.runAll();
    loader.release();
    executor.runAll();

    assertThat(done(owed).orElseThrow().version()).isEqualTo(2);
    assertThat(cache.stats().rebuildFailures()).isEqualTo(1);
  }

  @Test
  void load_throwingOrNullReturningLoader_neverEscapesToCallers() {
    HotCache throwing = HotCache.builder().executor(Runnable::run).loader((id, k) -> {
      throw new IllegalStateException("boom");
    }).build();
    HotCache nulls = HotCache.builder().executor(Runnable::run).loader((id, k) -> null).build();
    HotCache nullList = HotCache.builder().executor(Runnable::run)
        .loader((id, k) -> CompletableFuture.completedFuture(null)).build();

    for (HotCache cache : List.of(throwing, nulls, nullList)) {
      cache.pin(CELEB);
      assertThat(cache.onChange(CELEB).toCompletableFuture().join()).isEmpty();
      assertThat(cache.stats().rebuildFailures()).isEqualTo(2);
      assertThat(cache.isResident(CELEB)).isTrue();
    }
  }

  @Test
  void onRebuilt_throwingListener_doesNotBreakRebuilds() {
    HotCache cache = cache(b -> b.onRebuilt(e -> {
      throw new IllegalStateException("redis write failed");
    }));
    cache.pin(CELEB);
    executor.runAll();

    CompletableFuture<Optional<AuthorEntry>> stage = cache.onChange(CELEB).toCompletableFuture();
    executor.runAll();

    assertThat(done(stage).orElseThrow().version()).isEqualTo(2);
    assertThat(cache.stats().rebuildFailures()).isZero();
  }

  @Test
  void unpin_duringLoad_completesWaitersEmptyAndSkipsFollowUp() {
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.hold();
    CompletableFuture<Optional<AuthorEntry>> inFlight = cache.onChange(CELEB).toCompletableFuture();
    executor.runAll();
    CompletableFuture<Optional<AuthorEntry>> owed = cache.onChange(CELEB).toCompletableFuture();

    cache.unpin(CELEB);
    loader.release();
    executor.runAll();

    assertThat(done(inFlight)).isEmpty();
    assertThat(done(owed)).isEmpty();
    assertThat(loader.calls(CELEB)).isEqualTo(2);
    assertThat(rebuilt).hasSize(1); // the evicted author's late result isn't reported as a rebuild
  }

  @Test
  void executor_rejectingTasks_fallsBackToCallerRuns() {
    HotCache cache = HotCache.builder().loader(loader).executor(task -> {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }).build();
    loader.put(CELEB, new PostRef(1, 100));

    cache.pin(CELEB);

    assertThat(cache.peek(CELEB).orElseThrow().refs()).containsExactly(new PostRef(1, 100));
  }

  // ---- frequency tier ----

  @Test
  void get_readsReachingThreshold_promoteAuthorAsFrequentAndLoadIt() {
    loader.put(7, new PostRef(70, 700));
    HotCache cache = cache();

    cache.get(7);
    cache.get(7);
    assertThat(cache.isResident(7)).isFalse();
    cache.get(7);
    assertThat(cache.isResident(7)).isTrue();
    executor.runAll();

    AuthorEntry entry = cache.get(7).orElseThrow();
    assertThat(entry.reason()).isEqualTo(Reason.FREQUENT);
    assertThat(entry.refs()).containsExactly(new PostRef(70, 700));
    assertThat(cache.stats().promotions()).isEqualTo(1);
    assertThat(cache.stats().frequentAuthors()).isEqualTo(1);
  }

  @Test
  void get_frequentCapReached_hotterCandidateDemotesLeastFrequent() {
    HotCache cache = cache(); // cap 2, threshold 3
    read(cache, 10, 5);
    read(cache, 11, 3);
    read(cache, 12, 3); // ties with the coldest incumbent: not promoted
    assertThat(cache.isResident(12)).isFalse();

    read(cache, 12, 1); // now hotter than 11

    assertThat(cache.isResident(10)).isTrue();
    assertThat(cache.isResident(11)).isFalse();
    assertThat(cache.isResident(12)).isTrue();
    assertThat(cache.stats().demotions()).isEqualTo(1);
    assertThat(cache.stats().frequentAuthors()).isEqualTo(2);
  }

  @Test
  void aging_coldFrequentAuthor_isDemotedWhileHotOneStays() {
    HotCache cache = cache();
    read(cache, 10, 3);
    read(cache, 11, 3);
    assertThat(cache.isResident(10)).isTrue();

    ticker.advance(AGING_MILLIS);
    read(cache, 11, 1); // ages: both >= 3, both stay; halved to 1
    assertThat(cache.isResident(10)).isTrue();
    read(cache, 11, 2); // 11 keeps being read, 10 does not
    ticker.advance(AGING_MILLIS);
    read(cache, 11, 1); // ages: 10 estimate 1 < 3 -> demoted; 11 kept

    assertThat(cache.isResident(10)).isFalse();
    assertThat(cache.isResident(11)).isTrue();
    assertThat(cache.stats().demotions()).isEqualTo(1);
  }

  @Test
  void aging_wallClockSteppedBack_stillAgesAfterOnePeriod() {
    HotCache cache = cache();
    read(cache, 10, 3);
    ticker.advance(-10 * AGING_MILLIS);

    ticker.advance(1);
    cache.get(99); // big backwards step: re-arms aging (halving 10 to 1) instead of stalling
    ticker.advance(AGING_MILLIS);
    cache.get(99); // ages again: 1 < 3 -> demoted

    assertThat(cache.isResident(10)).isFalse();
  }

  @Test
  void pinnedAuthors_neverDemotedAndNotCountedTowardFrequentCap() {
    HotCache cache = cache();
    cache.pin(1);
    cache.pin(2);
    cache.pin(3);
    read(cache, 10, 3);
    read(cache, 11, 3);

    for (int i = 0; i < 3; i++) {
      ticker.advance(AGING_MILLIS);
      cache.get(99);
    }

    assertThat(cache.isResident(1)).isTrue();
    assertThat(cache.isResident(2)).isTrue();
    assertThat(cache.isResident(3)).isTrue();
    assertThat(cache.isResident(10)).isFalse();
    Stats stats = cache.stats();
    assertThat(stats.pinnedAuthors()).isEqualTo(3);
    assertThat(stats.promotions()).isEqualTo(2);
  }

  @Test
  void pin_frequentAuthor_becomesPinnedAndFreesFrequentSlot() {
    HotCache cache = cache();
    read(cache, 10, 3);
    executor.runAll();

    cache.pin(10);

    assertThat(cache.peek(10).orElseThrow().reason()).isEqualTo(Reason.PINNED);
    assertThat(cache.stats().frequentAuthors()).isZero();
    assertThat(cache.stats().pinnedAuthors()).isEqualTo(1);
    assertThat(cache.unpin(10)).isTrue();
  }

  @Test
  void pin_frequentIncumbent_letsWaitingCandidateInOnItsNextRead() {
    HotCache cache = cache(); // cap 2, threshold 3
    read(cache, 10, 10);
    read(cache, 11, 10);
    read(cache, 12, 3); // loses to incumbents at 10
    assertThat(cache.isResident(12)).isFalse();

    cache.pin(10); // frees a frequent slot
    read(cache, 12, 1);

    assertThat(cache.isResident(12)).isTrue();
    assertThat(cache.stats().frequentAuthors()).isEqualTo(2);
  }

  @Test
  void maxFrequentAuthorsZero_disablesPromotion() {
    HotCache cache = cache(b -> b.maxFrequentAuthors(0));

    read(cache, 10, 100);

    assertThat(cache.isResident(10)).isFalse();
  }

  // ---- verification ----

  @Test
  void verify_matchingChecksum_returnsMatchWithoutRebuild() {
    loader.put(CELEB, new PostRef(1, 100));
    HotCache cache = pinnedAndLoaded(CELEB);

    assertThat(cache.verify(CELEB, HotCache.checksum(List.of(new PostRef(1, 100))))).isEqualTo(Verification.MATCH);
    assertThat(executor.queued()).isZero();
    assertThat(cache.stats().mismatches()).isZero();
  }

  @Test
  void verify_nonResident_returnsNotResident() {
    assertThat(cache().verify(42, 0)).isEqualTo(Verification.NOT_RESIDENT);
  }

  @Test
  void verify_mismatch_rebuildsAndCountsRepairWhenChecksumConverges() {
    loader.put(CELEB, new PostRef(1, 100));
    HotCache cache = pinnedAndLoaded(CELEB);
    loader.put(CELEB, new PostRef(2, 200), new PostRef(1, 100)); // a publish this instance missed
    long outboxChecksum = HotCache.checksum(PostRef.newestDistinct(List.of(new PostRef(2, 200), new PostRef(1, 100)), 3));

    assertThat(cache.verify(CELEB, outboxChecksum)).isEqualTo(Verification.MISMATCH);
    executor.runAll();

    assertThat(cache.peek(CELEB).orElseThrow().checksum()).isEqualTo(outboxChecksum);
    assertThat(cache.verify(CELEB, outboxChecksum)).isEqualTo(Verification.MATCH);
    assertThat(cache.stats().mismatches()).isEqualTo(1);
    assertThat(cache.stats().repairs()).isEqualTo(1);
  }

  @Test
  void verify_mismatchStillDivergedAfterRebuild_countsNoRepair() {
    HotCache cache = pinnedAndLoaded(CELEB);

    assertThat(cache.verify(CELEB, 12345)).isEqualTo(Verification.MISMATCH);
    executor.runAll();

    assertThat(cache.stats().mismatches()).isEqualTo(1);
    assertThat(cache.stats().repairs()).isZero();
    assertThat(cache.stats().rebuilds()).isEqualTo(2);
  }

  // ---- admin view and builder ----

  @Test
  void snapshot_listsLoadedEntriesByAuthorId() {
    HotCache cache = cache();
    cache.pin(3);
    cache.pin(2);
    executor.runAll();
    cache.pin(1); // resident, not loaded yet

    assertThat(cache.snapshot()).extracting(AuthorEntry::authorId).containsExactly(2L, 3L);
    assertThat(cache.stats().residentAuthors()).isEqualTo(3);
  }

  @Test
  void builder_invalidSettings_areRejected() {
    assertThatThrownBy(() -> HotCache.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> HotCache.builder().maxRefsPerAuthor(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HotCache.builder().frequentReadThreshold(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HotCache.builder().agingPeriod(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_defaults_useDaemonExecutorAndLoadInBackground() {
    loader.put(CELEB, new PostRef(1, 100));
    HotCache cache = HotCache.builder().loader(loader).build();

    AuthorEntry entry = cache.onChange(pinThen(cache, CELEB)).toCompletableFuture().join().orElseThrow();

    assertThat(entry.refs()).containsExactly(new PostRef(1, 100));
  }

  private static long pinThen(HotCache cache, long authorId) {
    cache.pin(authorId);
    return authorId;
  }

  private static void read(HotCache cache, long authorId, int times) {
    for (int i = 0; i < times; i++) {
      cache.get(authorId);
    }
  }
}
