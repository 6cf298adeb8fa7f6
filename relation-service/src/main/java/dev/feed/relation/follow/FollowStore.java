package dev.feed.relation.follow;

import dev.feed.relation.event.EventLog;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.tier.Tier;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Follow edges, the two counts and the author tier, changed only here and only in SQL: the
 * edge statement decides whether anything changed ({@code ON CONFLICT DO NOTHING} / {@code
 * DELETE ... RETURNING}), and counts move by one only when it did, so repeats and concurrent
 * storms cannot make them drift. Every method must run inside the caller's transaction, which
 * also carries the relay rows.
 */
@ApplicationScoped
public class FollowStore {
    private final Tier tier;
    private final EventLog events;
    private final FollowConfig config;
    private final BlockGuard blocks;

    public FollowStore(Tier tier, EventLog events, FollowConfig config, BlockGuard blocks) {
        this.tier = tier;
        this.events = events;
        this.config = config;
        this.blocks = blocks;
    }

    /**
     * Makes {@code followerId} follow {@code followeeId}; true if the edge is new (and events were
     * written). 403 while either blocks the other.
     */
    public Uni<Boolean> follow(long followerId, long followeeId) {
        return requireUsers(followerId, followeeId)
                .call(() -> blocks.requireNoBlock(followerId, followeeId))
                .chain(() -> rows("""
                        INSERT INTO follows (follower_id, followee_id) VALUES (?1, ?2)
                        ON CONFLICT DO NOTHING RETURNING 1""", followerId, followeeId))
                .chain(inserted -> inserted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : moveCounts(followerId, followeeId, 1)
                                .call(author -> events.followed(followerId, followeeId, author.tier()))
                                .call(author -> tierChanged(followeeId, author))
                                .replaceWith(true));
    }

    /** Ends the edge if it exists; true if it did (and events were written). Unknown users simply have no edge. */
    public Uni<Boolean> unfollow(long followerId, long followeeId) {
        return rows("DELETE FROM follows WHERE follower_id = ?1 AND followee_id = ?2 RETURNING 1", followerId, followeeId)
                .chain(deleted -> deleted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : moveCounts(followerId, followeeId, -1)
                                .call(() -> events.unfollowed(followerId, followeeId))
                                .call(author -> tierChanged(followeeId, author))
                                .replaceWith(true));
    }

    /**
     * One keyset page of an author's followers, ascending id after {@code afterId}; {@code limit + 1}
     * rows tell whether more follow. Ordering by both index columns pins each page query to its index.
     */
    public Uni<List<UserSummary>> followers(long userId, long afterId, int limit) {
        return summaries("""
                SELECT u.id, u.handle, u.display_name FROM follows f JOIN users u ON u.id = f.follower_id
                WHERE f.followee_id = ?1 AND f.follower_id > ?2 ORDER BY f.followee_id, f.follower_id LIMIT ?3""", userId, afterId, limit);
    }

    /** One keyset page of the accounts a user follows, ascending id after {@code afterId}. */
    public Uni<List<UserSummary>> following(long userId, long afterId, int limit) {
        return summaries("""
                SELECT u.id, u.handle, u.display_name FROM follows f JOIN users u ON u.id = f.followee_id
                WHERE f.follower_id = ?1 AND f.followee_id > ?2 ORDER BY f.follower_id, f.followee_id LIMIT ?3""", userId, afterId, limit);
    }

    public Uni<Boolean> exists(long userId) {
        return rows("SELECT 1 FROM users WHERE id = ?1", userId).map(r -> !r.isEmpty());
    }

    private Uni<Void> requireUsers(long followerId, long followeeId) {
        return rows("SELECT id FROM users WHERE id IN (?1, ?2)", followerId, followeeId)
                .invoke(found -> {
                    if (!found.contains(followeeId)) {
                        throw ProblemException.notFound("no user with id " + followeeId);
                    }
                    if (!found.contains(followerId)) {
                        throw new ProblemException(409, "profile-required", "Profile required",
                                "user " + followerId + " has no profile yet: create it with PUT /v1/users/me before following anyone");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Moves both counts by {@code delta} and re-evaluates the followee's tier. The two rows are
     * locked in ascending id order so that a follows b and b follows a at once cannot deadlock.
     */
    private Uni<Author> moveCounts(long followerId, long followeeId, int delta) {
        // The cap is checked on the locked row, in the statement that moves the count: concurrent
        // follows by one user cannot pass it together. Throwing rolls back the new edge.
        Uni<Void> following = rows("UPDATE users SET following_count = following_count + ?2 WHERE id = ?1"
                + " AND (?2 < 0 OR following_count < ?3) RETURNING 1", followerId, (long) delta, (long) config.max())
                .invoke(updated -> {
                    if (updated.isEmpty()) {
                        throw new ProblemException(409, "follow-limit", "Follow limit reached", "user " + followerId
                                + " already follows " + config.max() + " accounts, the most one user may: unfollow one first");
                    }
                })
                .replaceWithVoid();
        Uni<Author> followers = rows("UPDATE users SET follower_count = follower_count + ?2 WHERE id = ?1 RETURNING follower_count, tier",
                followeeId, (long) delta)
                .map(r -> {
                    Object[] row = (Object[]) r.get(0);
                    long count = ((Number) row[0]).longValue();
                    String was = (String) row[1];
                    return new Author(count, was, tier.next(was, count));
                })
                .call(author -> author.changed()
                        ? rows("UPDATE users SET tier = ?2 WHERE id = ?1 RETURNING 1", followeeId, author.tier())
                        : Uni.createFrom().voidItem());
        return followerId < followeeId ? following.chain(() -> followers) : followers.call(() -> following);
    }

    private Uni<Void> tierChanged(long authorId, Author author) {
        return author.changed() ? events.tierChanged(authorId, author.tier(), author.followerCount()) : Uni.createFrom().voidItem();
    }

    private Uni<List<UserSummary>> summaries(String sql, Object... params) {
        return rows(sql, params).map(list -> list.stream()
                .map(o -> (Object[]) o)
                .map(r -> new UserSummary(((Number) r[0]).longValue(), (String) r[1], (String) r[2]))
                .toList());
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

    /** The followee after a count change: its new count, and its tier before and after. */
    private record Author(long followerCount, String was, String tier) {
        boolean changed() {
            return !was.equals(tier);
        }
    }
}
