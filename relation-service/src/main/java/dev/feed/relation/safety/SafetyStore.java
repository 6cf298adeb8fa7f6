package dev.feed.relation.safety;

import dev.feed.relation.event.EventLog;
import dev.feed.relation.follow.BlockGuard;
import dev.feed.relation.follow.FollowStore;
import dev.feed.relation.follow.UserSummary;
import dev.feed.relation.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Blocks and mutes, changed only here and only in SQL, with their relay rows in the caller's
 * transaction (every method must run inside one). Like follows, the row statement decides
 * whether anything changed ({@code ON CONFLICT DO NOTHING} / {@code DELETE ... RETURNING}), and
 * events are written only when it did, so repeats emit nothing.
 */
@ApplicationScoped
public class SafetyStore {
    private final FollowStore follows;
    private final BlockGuard guard;
    private final EventLog events;

    public SafetyStore(FollowStore follows, BlockGuard guard, EventLog events) {
        this.follows = follows;
        this.guard = guard;
        this.events = events;
    }

    /**
     * {@code blockerId} blocks {@code blockedId}; true if the block is new. The follow edges of
     * the pair are ended in both directions through {@link FollowStore#unfollow}, so counts, tier
     * and {@code relation.unfollowed} events are exactly an unfollow's (and the worker unmerges).
     */
    public Uni<Boolean> block(long blockerId, long blockedId) {
        return requireUsers(blockerId, blockedId)
                .call(() -> guard.lockPair(blockerId, blockedId))
                .chain(() -> rows("INSERT INTO blocks (blocker_id, blocked_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING RETURNING 1",
                        blockerId, blockedId))
                .chain(inserted -> inserted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : events.blocked(blockerId, blockedId)
                                .call(() -> follows.unfollow(blockerId, blockedId))
                                .call(() -> follows.unfollow(blockedId, blockerId))
                                .replaceWith(true));
    }

    /** Ends the block if it exists; true if it did. The follow edges it ended stay ended. */
    public Uni<Boolean> unblock(long blockerId, long blockedId) {
        return guard.lockPair(blockerId, blockedId)
                .chain(() -> rows("DELETE FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2 RETURNING 1", blockerId, blockedId))
                .chain(deleted -> deleted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : events.unblocked(blockerId, blockedId).replaceWith(true));
    }

    /** {@code muterId} mutes {@code mutedId}; true if the mute is new. Follow edges are left as they are. */
    public Uni<Boolean> mute(long muterId, long mutedId) {
        return requireUsers(muterId, mutedId)
                .chain(() -> rows("INSERT INTO mutes (muter_id, muted_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING RETURNING 1",
                        muterId, mutedId))
                .chain(inserted -> inserted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : events.muted(muterId, mutedId).replaceWith(true));
    }

    public Uni<Boolean> unmute(long muterId, long mutedId) {
        return rows("DELETE FROM mutes WHERE muter_id = ?1 AND muted_id = ?2 RETURNING 1", muterId, mutedId)
                .chain(deleted -> deleted.isEmpty()
                        ? Uni.createFrom().item(false)
                        : events.unmuted(muterId, mutedId).replaceWith(true));
    }

    /** One keyset page of the users {@code userId} blocks, ascending id after {@code afterId}; {@code limit + 1} rows. */
    public Uni<List<UserSummary>> blocked(long userId, long afterId, int limit) {
        return summaries("""
                SELECT u.id, u.handle, u.display_name FROM blocks b JOIN users u ON u.id = b.blocked_id
                WHERE b.blocker_id = ?1 AND b.blocked_id > ?2 ORDER BY b.blocker_id, b.blocked_id LIMIT ?3""", userId, afterId, limit);
    }

    /** One keyset page of the users {@code userId} mutes, ascending id after {@code afterId}; {@code limit + 1} rows. */
    public Uni<List<UserSummary>> muted(long userId, long afterId, int limit) {
        return summaries("""
                SELECT u.id, u.handle, u.display_name FROM mutes m JOIN users u ON u.id = m.muted_id
                WHERE m.muter_id = ?1 AND m.muted_id > ?2 ORDER BY m.muter_id, m.muted_id LIMIT ?3""", userId, afterId, limit);
    }

    /** 404 for an unknown target; 409 if the caller has no profile yet (the rows reference both users). */
    private Uni<Void> requireUsers(long me, long other) {
        return rows("SELECT id FROM users WHERE id IN (?1, ?2)", me, other)
                .invoke(found -> {
                    if (!found.contains(other)) {
                        throw ProblemException.notFound("no user with id " + other);
                    }
                    if (!found.contains(me)) {
                        throw new ProblemException(409, "profile-required", "Profile required",
                                "user " + me + " has no profile yet: create it with PUT /v1/users/me first");
                    }
                })
                .replaceWithVoid();
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
}
