package dev.feed.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.Optional;

/**
 * The events of {@code feed.relations} (schema/events/relation.*.v1.json, author.tier-changed.v1.json),
 * written by relation-service's relay and read by fanout-worker (merge, unmerge, tier moves) and
 * feed-service (cache invalidation). Readers look at {@code type} first, then bind the record
 * {@link #classOf} names; a type they do not know is skipped (new types may be added).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public sealed interface RelationEvent {
    String FOLLOWED = "relation.followed";
    String UNFOLLOWED = "relation.unfollowed";
    String TIER_CHANGED = "author.tier-changed";
    String BLOCKED = "relation.blocked";
    String UNBLOCKED = "relation.unblocked";
    String MUTED = "relation.muted";
    String UNMUTED = "relation.unmuted";

    String eventId();

    String type();

    int version();

    String occurredAt();

    /** The Kafka key: the pair for pair events (one pair's changes stay in order), the author for tier changes. */
    String key();

    static Optional<Class<? extends RelationEvent>> classOf(String type) {
        return Optional.ofNullable(TYPES.get(type));
    }

    Map<String, Class<? extends RelationEvent>> TYPES = Map.of(
            FOLLOWED, Followed.class, UNFOLLOWED, Unfollowed.class, TIER_CHANGED, TierChanged.class,
            BLOCKED, Blocked.class, UNBLOCKED, Unblocked.class, MUTED, Muted.class, UNMUTED, Unmuted.class);

    static String pairKey(long first, long second) {
        return first + ":" + second;
    }

    /** {@code followeeTier}: push or pull at the time of the follow (a push-tier followee is merged). */
    record Followed(String eventId, String type, int version, String occurredAt, String followerId, String followeeId,
            String followeeTier) implements RelationEvent {
        public static Followed of(long followerId, long followeeId, String followeeTier) {
            return new Followed(Envelope.newId(), FOLLOWED, Envelope.VERSION, Envelope.now(), Long.toString(followerId),
                    Long.toString(followeeId), followeeTier);
        }

        public long follower() {
            return Envelope.id("followerId", followerId);
        }

        public long followee() {
            return Envelope.id("followeeId", followeeId);
        }

        @Override
        public String key() {
            return followerId + ":" + followeeId;
        }
    }

    record Unfollowed(String eventId, String type, int version, String occurredAt, String followerId, String followeeId)
            implements RelationEvent {
        public static Unfollowed of(long followerId, long followeeId) {
            return new Unfollowed(Envelope.newId(), UNFOLLOWED, Envelope.VERSION, Envelope.now(), Long.toString(followerId),
                    Long.toString(followeeId));
        }

        public long follower() {
            return Envelope.id("followerId", followerId);
        }

        public long followee() {
            return Envelope.id("followeeId", followeeId);
        }

        @Override
        public String key() {
            return followerId + ":" + followeeId;
        }
    }

    /** {@code tier}: the tier the author is in now. */
    record TierChanged(String eventId, String type, int version, String occurredAt, String authorId, String tier,
            long followerCount) implements RelationEvent {
        public static TierChanged of(long authorId, String tier, long followerCount) {
            return new TierChanged(Envelope.newId(), TIER_CHANGED, Envelope.VERSION, Envelope.now(), Long.toString(authorId),
                    tier, followerCount);
        }

        public long author() {
            return Envelope.id("authorId", authorId);
        }

        public boolean toPush() {
            return "push".equals(tier);
        }

        @Override
        public String key() {
            return authorId;
        }
    }

    /** The blocker blocks the blocked: each is hidden from the other. */
    record Blocked(String eventId, String type, int version, String occurredAt, String blockerId, String blockedId)
            implements RelationEvent {
        public static Blocked of(long blockerId, long blockedId) {
            return new Blocked(Envelope.newId(), BLOCKED, Envelope.VERSION, Envelope.now(), Long.toString(blockerId),
                    Long.toString(blockedId));
        }

        public long blocker() {
            return Envelope.id("blockerId", blockerId);
        }

        public long blocked() {
            return Envelope.id("blockedId", blockedId);
        }

        @Override
        public String key() {
            return blockerId + ":" + blockedId;
        }
    }

    record Unblocked(String eventId, String type, int version, String occurredAt, String blockerId, String blockedId)
            implements RelationEvent {
        public static Unblocked of(long blockerId, long blockedId) {
            return new Unblocked(Envelope.newId(), UNBLOCKED, Envelope.VERSION, Envelope.now(), Long.toString(blockerId),
                    Long.toString(blockedId));
        }

        public long blocker() {
            return Envelope.id("blockerId", blockerId);
        }

        public long blocked() {
            return Envelope.id("blockedId", blockedId);
        }

        @Override
        public String key() {
            return blockerId + ":" + blockedId;
        }
    }

    /** The muted is hidden from the muter only. */
    record Muted(String eventId, String type, int version, String occurredAt, String muterId, String mutedId)
            implements RelationEvent {
        public static Muted of(long muterId, long mutedId) {
            return new Muted(Envelope.newId(), MUTED, Envelope.VERSION, Envelope.now(), Long.toString(muterId),
                    Long.toString(mutedId));
        }

        public long muter() {
            return Envelope.id("muterId", muterId);
        }

        @Override
        public String key() {
            return muterId + ":" + mutedId;
        }
    }

    record Unmuted(String eventId, String type, int version, String occurredAt, String muterId, String mutedId)
            implements RelationEvent {
        public static Unmuted of(long muterId, long mutedId) {
            return new Unmuted(Envelope.newId(), UNMUTED, Envelope.VERSION, Envelope.now(), Long.toString(muterId),
                    Long.toString(mutedId));
        }

        public long muter() {
            return Envelope.id("muterId", muterId);
        }

        @Override
        public String key() {
            return muterId + ":" + mutedId;
        }
    }
}
