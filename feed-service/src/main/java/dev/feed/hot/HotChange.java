package dev.feed.hot;

/**
 * A change a hot-cache instance reacts to, from {@code feed.posts} (post.published, post.deleted)
 * or {@code feed.hotcache-changes} (hotcache.changed: publish, delete, repair, tier).
 */
public record HotChange(long authorId, Reason reason) {
    public enum Reason {
        PUBLISH, DELETE, REPAIR, TIER;

        public String wire() {
            return name().toLowerCase();
        }

        static Reason ofWire(String raw) {
            return valueOf(raw.toUpperCase());
        }
    }
}
