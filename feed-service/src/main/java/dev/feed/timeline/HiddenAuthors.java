package dev.feed.timeline;

import dev.feed.relation.RelationClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The authors a reader's home timeline must not show, whatever path their posts came by (push,
 * pull tier, rebuild, follow-merge): those the reader blocks or mutes, and those who block the
 * reader. Kept apart from the follow lists on purpose: a muted author stays followed, so the
 * inbox keeps receiving (and a rebuild keeps pulling) their posts, and an unmute shows them again
 * with nothing missing. {@code blocks}: the subset that comes from a block in either direction.
 */
record HiddenAuthors(Set<Long> ids, Set<Long> blocks, boolean stale) {
    static final HiddenAuthors NONE = new HiddenAuthors(Set.of(), Set.of(), false);

    static HiddenAuthors of(RelationClient.HiddenAuthors raw) {
        Set<Long> blocks = new HashSet<>();
        add(blocks, raw.blocked());
        add(blocks, raw.blockedBy());
        Set<Long> ids = new HashSet<>(blocks);
        add(ids, raw.muted());
        return ids.isEmpty() ? NONE : new HiddenAuthors(Set.copyOf(ids), Set.copyOf(blocks), false);
    }

    /** The same set, the last one relation-service gave (it is unreachable now). */
    HiddenAuthors asStale() {
        return new HiddenAuthors(ids, blocks, true);
    }

    /** Whether a block lies between the reader and this user, in either direction (a mute is not one). */
    boolean blockedWith(long userId) {
        return blocks.contains(userId);
    }

    boolean hides(long authorId) {
        return ids.contains(authorId);
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    private static void add(Set<Long> ids, List<String> raw) {
        if (raw != null) {
            raw.forEach(s -> ids.add(Long.parseLong(s)));
        }
    }
}
