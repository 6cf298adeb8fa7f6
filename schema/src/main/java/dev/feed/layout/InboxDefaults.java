package dev.feed.layout;

/**
 * Inbox tunables whose defaults fanout-worker (the writer) and feed-service (the reader) must agree
 * on: each side's {@code feed.inbox} config mapping takes its {@code @WithDefault} from here, and an
 * operator who overrides one sets the same env var on both (README, configuration).
 */
public final class InboxDefaults {
    /** Entries kept per inbox after each push (FEED_INBOX_MAX_ENTRIES). */
    public static final String MAX_ENTRIES = "800";
    /** Idle time after which an inbox expires and its reader counts as inactive (FEED_INBOX_TTL). */
    public static final String TTL = "P7D";

    private InboxDefaults() {
    }
}
