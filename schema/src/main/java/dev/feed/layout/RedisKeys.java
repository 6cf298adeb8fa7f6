package dev.feed.layout;

/**
 * The Redis keys that feed-service and fanout-worker share. Each key carries its owner's id as
 * the hash tag, so an inbox and its floor record (and one author's outbox and checksums) stay in
 * one Redis Cluster slot and can go into one script call.
 */
public final class RedisKeys {
    /**
     * Member of a warmed outbox or a rebuilt inbox that marks it as the whole history, never a post
     * (no post has id 0); score 0, so a trim takes it first.
     */
    public static final long SENTINEL = 0L;
    /** {@link #SENTINEL} as a ZSET member. */
    public static final String SENTINEL_MEMBER = Long.toString(SENTINEL);

    private RedisKeys() {
    }

    /** A reader's home inbox: ZSET of post ids scored by createdAt epoch ms; exists only while the reader is active. */
    public static String inbox(long userId) {
        return "inbox:{" + userId + "}";
    }

    /** How far back a rebuilt inbox is complete ({@code none}, {@code building} or {@code ms.id}); lives with the inbox. */
    public static String inboxFloor(long userId) {
        return "inbox-floor:{" + userId + "}";
    }

    /** An author's outbox: capped ZSET of post ids scored by createdAt epoch ms. */
    public static String outbox(long authorId) {
        return "outbox:{" + authorId + "}";
    }
}
