package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.PostPage;
import dev.feed.post.PostView;
import dev.feed.post.PostHydrator;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * ETags of timeline pages, and the cheap check behind {@code If-None-Match}.
 *
 * <p>A page's tag is a digest of what identifies it: the positions of its items, in order, and
 * its nextCursor. The check recomputes that list without hydrating: the first round's merged
 * candidates (the same {@link TimelineService#candidates} a page read makes), minus tombstoned
 * posts (no round trip of their own for posts checked clean under the stamps read with the inbox
 * page) and authors the reader no longer follows, cut to the limit as {@link TimelineService} cuts it. When those refs would not fill the page by themselves (posts
 * were dropped and a second round would be needed), it does not guess: the page is served in full.
 * Profile edits (an author's display name) do not change the tag: it names the items, not their
 * rendering.
 *
 * <p>A page that shows a repost is tagged apart ({@code repost} in the digest), and the check never
 * makes such a tag: whether a repost is shown depends on the 40 items below it (the falloff rule,
 * {@link RepostFalloff}), which the check does not read, so the same refs could stand for a page
 * where it has since fallen off (its original joined the items below: an unmute, a late post).
 * Such a page is built in full and compared then (still 304 when unchanged). A repost that fell off
 * needs nothing: it is among the refs and not among the served items, so the two lists differ
 * while it exists, and once it is gone the page it left is what the refs name.
 */
@ApplicationScoped
public class PageTags {
    private final TimelineService timeline;
    private final FolloweeCache followees;
    private final PostHydrator hydrator;
    private final TimelineConfig config;

    public PageTags(TimelineService timeline, FolloweeCache followees, PostHydrator hydrator, TimelineConfig config) {
        this.timeline = timeline;
        this.followees = followees;
        this.hydrator = hydrator;
        this.config = config;
    }

    /** The tag of a home page as served to this reader (whose followee set is part of it). */
    public Uni<String> of(long readerId, PostPage page) {
        List<Cursor> positions = new ArrayList<>(page.items().size());
        for (PostView item : page.items()) {
            positions.add(Cursor.of(item));
        }
        boolean repost = RepostFalloff.anyRepost(page.items());
        return followees.of(readerId).map(f -> digest(positions, page.nextCursor(), followeeSum(f.allowed()), repost));
    }

    /** True if {@code If-None-Match} (a list of tags, possibly weak, or *) names the tag. */
    public static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null || tag == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String t = candidate.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(tag) || t.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tag the home page after {@code cursor} would have, computed without hydration; null when
     * it cannot be known without it.
     */
    public Uni<String> unhydrated(long readerId, Cursor cursor, int limit) {
        return followees.of(readerId).chain(f -> timeline.candidates(readerId, f, cursor, limit + config.slack())
                .chain(c -> {
                    List<Long> ids = c.refs().stream().map(PostRef::postId).toList();
                    return hydrator.deleted(ids, c.stamps()).map(deleted -> tagOf(c, deleted, f.allowed(), limit));
                }));
    }

    /**
     * {@link TimelineService}'s cut of one round (see its hydrateInto and toPostPage), on refs
     * instead of hydrated posts. Without the posts the authors are unknown, so every candidate
     * counts as shown: if one is by an author the reader no longer follows (an inbox not yet
     * unmerged), the list differs from any page served under this followee set, and the check
     * misses instead of answering a wrong 304.
     */
    private static String tagOf(TimelineService.Candidates c, Set<Long> deleted, Set<Long> allowed, int limit) {
        List<PostRef> views = new ArrayList<>();
        for (PostRef ref : c.refs()) {
            if (!deleted.contains(ref.postId())) {
                views.add(ref);
            }
        }
        int shown = Math.min(limit, views.size());
        boolean more = shown < views.size() || !c.exhausted();
        if (shown < limit && more) {
            return null; // a second round would decide this page
        }
        List<Cursor> positions = new ArrayList<>(shown);
        for (int i = 0; i < shown; i++) {
            positions.add(Cursor.after(views.get(i)));
        }
        String next = more ? positions.get(shown - 1).toString() : null;
        return digest(positions, next, followeeSum(allowed), false);
    }

    /** Order-independent 64-bit digest of the followee set (SplitMix64 of each id, summed). */
    static long followeeSum(Set<Long> allowed) {
        long sum = 0;
        for (long id : allowed) {
            long z = id + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            sum += z ^ (z >>> 31);
        }
        return sum;
    }

    static String digest(List<Cursor> positions, String nextCursor, long followees, boolean showsRepost) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Cursor p : positions) {
                sha.update(p.toString().getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ',');
            }
            sha.update((String.valueOf(nextCursor) + "|" + followees + (showsRepost ? "|repost" : "")).getBytes(StandardCharsets.US_ASCII));
            return "\"" + HexFormat.of().formatHex(sha.digest(), 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
