package dev.feed.timeline;

import dev.feed.post.PostView;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One original at most once near the top of a home timeline (DESIGN, "Safety and reposts";
 * Mastodon's REBLOG_FALLOFF): a repost is not shown when the original, or another repost of it, is
 * among the {@value #FALLOFF} items of the timeline just older than the repost. Applied at read
 * time over what the page shows (hidden authors already removed), so it holds whichever path the
 * items came by, and the same timeline content always gives the same answer: paging stays stable.
 * Every way a timeline is served applies it: pages ({@link TimelineService}, also degraded), the
 * upward read ({@link SinceTimeline}: {@code since} pages and the stream's replay) and the ETag
 * check ({@link PageTags}).
 */
final class RepostFalloff {
    /** Items just older than a repost that are looked at (fixed by DESIGN). */
    static final int FALLOFF = 40;

    private RepostFalloff() {
    }

    /** Whether any item is a repost: only then does a page need the items below it. */
    static boolean anyRepost(List<PostView> items) {
        for (PostView v : items) {
            if (v.isRepost()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ids of the reposts among {@code visible} (the timeline's items newest first, the page and
     * then at least {@value #FALLOFF} items below it where they exist) that fall off.
     */
    static Set<Long> fallen(List<PostView> visible) {
        Set<Long> fallen = new HashSet<>();
        for (int i = 0; i < visible.size(); i++) {
            PostView repost = visible.get(i);
            if (!repost.isRepost()) {
                continue;
            }
            long original = repost.repostOf().id();
            int end = Math.min(visible.size(), i + 1 + FALLOFF);
            for (int j = i + 1; j < end; j++) {
                PostView older = visible.get(j);
                if (older.id() == original || (older.isRepost() && older.repostOf().id() == original)) {
                    fallen.add(repost.id());
                    break;
                }
            }
        }
        return fallen;
    }

    /**
     * Whether {@code repost} falls off, given the timeline's items just older than it oldest first:
     * {@code lower} (further down) then {@code upper} (the nearest ones last), as the upward read
     * holds them.
     */
    static boolean fallsOff(PostView repost, List<PostView> lower, List<PostView> upper) {
        long original = repost.repostOf().id();
        int looked = 0;
        for (int i = upper.size() - 1; i >= 0 && looked < FALLOFF; i--, looked++) {
            if (sameOriginal(upper.get(i), original)) {
                return true;
            }
        }
        for (int i = lower.size() - 1; i >= 0 && looked < FALLOFF; i--, looked++) {
            if (sameOriginal(lower.get(i), original)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameOriginal(PostView older, long original) {
        return older.id() == original || (older.isRepost() && older.repostOf().id() == original);
    }
}
