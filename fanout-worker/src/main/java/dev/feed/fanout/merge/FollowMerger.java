package dev.feed.fanout.merge;

import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.inbox.InboxStore.MergeMode;
import dev.feed.fanout.relation.Relations;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;

/**
 * Keeps a live inbox in step with the follow graph, like Mastodon's merge_into_home /
 * unmerge_from_home: a new push-tier followee's recent posts go in, an unfollowed one's come out.
 * Inactive readers are left alone: their inbox is rebuilt by pull from the current graph. A merge
 * never leaves a live inbox claiming posts it lacks: from an outbox that is not the author's whole
 * history it raises the inbox's floor, and with no outbox at all it drops the inbox to be rebuilt.
 */
@ApplicationScoped
public class FollowMerger {
    private final Outboxes outboxes;
    private final InboxStore inboxes;
    private final InboxConfig inboxConfig;
    private final Relations relations;
    private final FanoutConfig config;

    public FollowMerger(Outboxes outboxes, InboxStore inboxes, InboxConfig inboxConfig, Relations relations, FanoutConfig config) {
        this.outboxes = outboxes;
        this.inboxes = inboxes;
        this.inboxConfig = inboxConfig;
        this.relations = relations;
        this.config = config;
    }

    /** @return posts added to the follower's inbox (0 if it is not live, or was dropped to be rebuilt) */
    public Uni<Integer> merge(long followerId, long followeeId) {
        return outboxes.newest(followeeId, inboxConfig.maxEntries())
                .chain(slice -> inboxes.mergeIfActive(followerId, slice.entries(), mode(slice), floor(slice)))
                .map(InboxStore.Merge::added);
    }

    /**
     * An author left the pull tier: its posts of the pull period were never pushed, so every live
     * inbox of its followers gets the author's recent posts, as on follow. One outbox read, then one
     * pipelined round trip per page of followers.
     *
     * @return posts added over all inboxes
     */
    public Uni<Integer> mergeIntoFollowers(long authorId) {
        return outboxes.newest(authorId, inboxConfig.maxEntries())
                .chain(slice -> relations.followerPages(authorId, config.batchSize())
                        .onItem().transformToUniAndConcatenate(page -> inboxes.mergeIntoAll(page.followerIds(), slice.entries(),
                                mode(slice), floor(slice)))
                        .collect().with(Collectors.summingInt(InboxStore.Merge::added)));
    }

    /** What the outbox vouches for decides how an inbox takes it (see InboxStore.MERGE_IF_ACTIVE). */
    private static MergeMode mode(Outboxes.Slice slice) {
        if (!slice.exists()) {
            return MergeMode.DROP;
        }
        return slice.vouched() || slice.entries().isEmpty() ? MergeMode.ALL : MergeMode.FLOOR;
    }

    /** The position of the outbox's oldest entry (feed-service's cursor format), below which it does not vouch. */
    private static String floor(Outboxes.Slice slice) {
        return slice.entries().isEmpty() ? null : slice.oldest().score() + "." + slice.oldest().member();
    }

    /**
     * Removes every post still in the followee's outbox. Older ones may linger in a long inbox;
     * the read path drops unfollowed authors' posts anyway, this keeps the inbox from filling up with them.
     *
     * @return posts removed from the follower's inbox
     */
    public Uni<Integer> unmerge(long followerId, long followeeId) {
        return outboxes.members(followeeId)
                .chain(members -> inboxes.remove(followerId, members));
    }
}
