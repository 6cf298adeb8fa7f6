package dev.feed.relation.tier;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** The tier rule in one place: both the SQL that moves counts and the seed tool follow it. */
@Startup
@ApplicationScoped
public class Tier {
    public static final String PUSH = "push";
    public static final String PULL = "pull";

    private final long pullAt;
    private final long pushBelow;

    public Tier(TierConfig config) {
        if (config.pullAt() < 1 || config.pushBelow() < 1 || config.pushBelow() > config.pullAt()) {
            // A push-below above pull-at would send an author back and forth on every follow.
            throw new IllegalStateException("feed.tier: need 1 <= push-below <= pull-at, got pull-at="
                    + config.pullAt() + " push-below=" + config.pushBelow());
        }
        this.pullAt = config.pullAt();
        this.pushBelow = config.pushBelow();
    }

    public long pullAt() {
        return pullAt;
    }

    public long pushBelow() {
        return pushBelow;
    }

    /** The tier an author in {@code current} has once its follower count is {@code followers}. */
    public String next(String current, long followers) {
        if (followers >= pullAt) {
            return PULL;
        }
        if (followers < pushBelow) {
            return PUSH;
        }
        return current;
    }

    /**
     * The tier of an author placed from its count alone, with no history: pull from {@code pullAt}
     * followers, else push. That is how {@code ./feed seed} assigns tiers, and what a re-evaluation
     * without hysteresis restores.
     */
    public String fresh(long followers) {
        return followers >= pullAt ? PULL : PUSH;
    }
}
