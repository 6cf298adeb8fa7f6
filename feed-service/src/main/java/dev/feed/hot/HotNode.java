package dev.feed.hot;

import dev.feed.hotcache.HotCache;
import java.util.List;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * How one instance's cache reacts to a change broadcast. Publish, delete and tier changes rebuild
 * the author (coalesced by the cache) and then ask for a verification; a repair first checks the
 * local list against the outbox and rebuilds only if it differs, so a repair aimed at one diverged
 * instance costs the healthy ones a single Redis read and no rebuild.
 */
public final class HotNode {
    private static final Logger LOG = Logger.getLogger(HotNode.class);

    private final HotCache cache;
    private final ChecksumStore checksums;
    private final int k;
    private final LongConsumer afterChange;

    public HotNode(HotCache cache, ChecksumStore checksums, int k, LongConsumer afterChange) {
        this.cache = cache;
        this.checksums = checksums;
        this.k = k;
        this.afterChange = afterChange;
    }

    public HotCache cache() {
        return cache;
    }

    public void handle(HotChange change) {
        long author = change.authorId();
        if (!cache.isResident(author)) {
            cache.onChange(author); // counted as ignored; cheap, and keeps the statistics honest
            return;
        }
        if (change.reason() == HotChange.Reason.REPAIR) {
            repair(author);
        } else {
            cache.onChange(author).thenAccept(entry -> entry.ifPresent(e -> afterChange.accept(author)));
        }
    }

    private void repair(long author) {
        checksums.states(List.of(author), k).subscribe().with(
                states -> cache.verify(author, states.get(0).outboxChecksum()),
                e -> LOG.warnf("hot-cache: repair check of author %d failed: %s", author, e.toString()));
    }
}
