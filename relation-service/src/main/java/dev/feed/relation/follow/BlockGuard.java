package dev.feed.relation.follow;

import dev.feed.relation.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Keeps follows and blocks apart. A follow and a block of the same two users each take the
 * pair's transaction-scoped advisory lock first, so they run one after the other: without it a
 * follow could check "no block", the block commit and delete the (not yet existing) edge, and the
 * follow then insert an edge that the block should have ruled out. Must run inside the caller's
 * transaction.
 */
@ApplicationScoped
public class BlockGuard {

    /** Serializes follow and block changes of one unordered pair until the transaction ends. */
    public Uni<Void> lockPair(long a, long b) {
        return rows("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) l", pairLockKey(a, b)).replaceWithVoid();
    }

    /** Locks the pair, then answers 403 if either user blocks the other. */
    public Uni<Void> requireNoBlock(long followerId, long followeeId) {
        return lockPair(followerId, followeeId)
                .chain(() -> rows("""
                        SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2) OR (blocker_id = ?2 AND blocked_id = ?1)""",
                        followerId, followeeId))
                .invoke(found -> {
                    if (!found.isEmpty()) {
                        throw new ProblemException(403, "blocked", "Blocked",
                                "user " + followerId + " cannot follow user " + followeeId + ": one of them blocks the other");
                    }
                })
                .replaceWithVoid();
    }

    /** The same key for (a, b) and (b, a); a collision with another pair only makes two changes wait for each other. */
    static long pairLockKey(long a, long b) {
        long low = Math.min(a, b);
        long high = Math.max(a, b);
        return (low * 0x9E3779B97F4A7C15L) ^ high;
    }

    @SuppressWarnings("unchecked")
    private static Uni<List<Object>> rows(String sql, Object... params) {
        return Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return ((Uni<List<Object>>) (Uni<?>) query.getResultList());
        });
    }
}
