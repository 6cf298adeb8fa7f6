package dev.feed.fanout.merge;

import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.inbox.InboxStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps a live inbox in step with the follow graph, like Mastodon's merge_into_home /
 * unmerge_from_home: a new push-tier followee's recent posts go in, an unfollowed one's come out.
 * Inactive readers are left alone: their inbox is rebuilt by pull from the current graph.
 */
@ApplicationScoped
public class FollowMerger {
    private final Outboxes outboxes;
    private final InboxStore inboxes;
    private final InboxConfig inboxConfig;

    public FollowMerger(Outboxes outboxes, InboxStore inboxes, InboxConfig inboxConfig) {
        this.outboxes = outboxes;
        this.inboxes = inboxes;
        this.inboxConfig = inboxConfig;
    }

    /** @return posts added to the follower's inbox (0 if it is not live) */
    public Uni<Integer> merge(long followerId, long followeeId) {
        return outboxes.newest(followeeId, inboxConfig.maxEntries())
                .chain(entries -> inboxes.mergeIfActive(followerId, entries))
                .map(InboxStore.Merge::added);
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
