package dev.feed.hotcache;

/**
 * Point-in-time counters. Counters are cumulative since the cache was built; the last three are gauges.
 *
 * @param hits {@code get} of a resident, loaded author
 * @param misses {@code get} of a non-resident or not-yet-loaded author
 * @param rebuilds successful loads applied (including the first load after pin or promotion)
 * @param rebuildFailures loads that failed, threw, returned null or were rejected; the old list stays
 * @param coalescedChanges change requests folded into a load that was already queued or owed
 * @param ignoredChanges {@code onChange} for authors that are not resident
 * @param mismatches {@code verify} calls whose expected checksum differed from the local one
 * @param repairs mismatches whose triggered rebuild then produced exactly the expected checksum
 * @param promotions authors made resident by read frequency
 * @param demotions frequent authors evicted, by the cap or by going cold
 */
public record Stats(
    long hits,
    long misses,
    long rebuilds,
    long rebuildFailures,
    long coalescedChanges,
    long ignoredChanges,
    long mismatches,
    long repairs,
    long promotions,
    long demotions,
    int residentAuthors,
    int pinnedAuthors,
    int frequentAuthors) {

  public double hitRate() {
    long requests = hits + misses;
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
