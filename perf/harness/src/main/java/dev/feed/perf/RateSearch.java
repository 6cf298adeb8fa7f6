package dev.feed.perf;

import java.util.function.Predicate;

/**
 * The stop rule of every rate search: the best is the last step that met the target. One miss
 * on a shared machine may be noise, so the next rate gets a chance, unless two missed in a row
 * or a miss was far off.
 */
final class RateSearch<S> {
    private final Predicate<S> meetsTarget;
    private final Predicate<S> farOff;
    private S best;
    private int misses;

    RateSearch(Predicate<S> meetsTarget, Predicate<S> farOff) {
        this.meetsTarget = meetsTarget;
        this.farOff = farOff;
    }

    /** Open-model steps: p99 from the due time within 50 ms and at most 1 % failed; far off beyond 200 ms. */
    static RateSearch<OpenLoad.Result> openLoad() {
        return new RateSearch<>(r -> r.p(99) <= 50 && r.errors() <= r.requests() / 100, r -> r.p(99) > 200);
    }

    /** Records a step; false when the search should stop. */
    boolean carryOn(S step) {
        if (meetsTarget.test(step)) {
            best = step;
            misses = 0;
            return true;
        }
        return ++misses < 2 && !farOff.test(step);
    }

    /** The last step that met the target; null if none did. */
    S best() {
        return best;
    }
}
