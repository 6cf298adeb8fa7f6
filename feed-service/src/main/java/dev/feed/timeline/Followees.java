package dev.feed.timeline;

import dev.feed.relation.RelationClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whom a reader follows, by tier. {@code allowed} (both tiers and the reader) decides whose posts
 * and reposts a page may show; {@code hidden} (blocks both ways, mutes) whose originals it may not
 * show inside a repost. {@code stale}: the last known lists, served while relation-service is
 * unreachable (a page built on them is marked degraded).
 */
record Followees(List<Long> push, List<Long> pull, Set<Long> allowed, Set<Long> hidden, boolean stale) {
    Followees(List<Long> push, List<Long> pull, Set<Long> allowed) {
        this(push, pull, allowed, Set.of(), false);
    }

    /** Whether a page of this reader may show the item: its author is allowed and, for a repost, the original's author not hidden. */
    boolean shows(dev.feed.post.PostView view) {
        return allowed.contains(view.author().id()) && (!view.isRepost() || !hidden.contains(view.repostOf().author().id()));
    }

    static Followees of(long readerId, RelationClient.Followees raw) {
        List<Long> push = ids(raw.push());
        List<Long> pull = ids(raw.pull());
        Set<Long> allowed = new HashSet<>(push);
        allowed.addAll(pull);
        allowed.add(readerId);
        return new Followees(push, pull, Set.copyOf(allowed), Set.of(), false);
    }

    /** The same lists, known to be the last ones relation-service gave (it is unreachable now). */
    Followees asStale() {
        return stale ? this : new Followees(push, pull, allowed, hidden, true);
    }

    /**
     * These lists as a page may use them when {@code hidden} authors must not show: they leave
     * {@code allowed} and the pull list (no need to read them), but stay in the push list, which a
     * rebuild pulls from, so that an unmute finds their posts in the inbox again.
     */
    Followees without(HiddenAuthors hidden) {
        if (hidden.isEmpty()) {
            return hidden.stale() ? asStale() : this;
        }
        Set<Long> visible = new HashSet<>(allowed);
        visible.removeAll(hidden.ids());
        return new Followees(push, pull.stream().filter(a -> !hidden.hides(a)).toList(), Set.copyOf(visible), hidden.ids(),
                stale || hidden.stale());
    }

    /** Every author a page of this reader is made of, the reader included. */
    List<Long> everyone(long readerId) {
        List<Long> all = new ArrayList<>(push.size() + pull.size() + 1);
        all.addAll(push);
        all.addAll(pull);
        all.add(readerId);
        return all;
    }

    private static List<Long> ids(List<String> raw) {
        List<Long> ids = new ArrayList<>(raw == null ? 0 : raw.size());
        if (raw != null) {
            raw.forEach(s -> ids.add(Long.parseLong(s)));
        }
        return ids;
    }
}
