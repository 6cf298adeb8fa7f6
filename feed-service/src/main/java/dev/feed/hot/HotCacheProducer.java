package dev.feed.hot;

import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.OutboxLoader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * This instance's resident cache of hot authors, loaded from Redis outboxes (the loader is
 * {@code dev.feed.timeline.OutboxReader#newest}: a lost or partial outbox is warmed from Cassandra
 * first, so a short list is the whole history), checksums recorded after each rebuild.
 */
@ApplicationScoped
public class HotCacheProducer {
    private static final Logger LOG = Logger.getLogger(HotCacheProducer.class);

    @Produces
    @Singleton
    HotCache hotCache(HotConfig config, OutboxLoader loader, ChecksumStore checksums, InstanceId instance) {
        return build(config, loader, checksums, instance.value());
    }

    /** Also used by tests to stand up a second instance in the same JVM. */
    public static HotCache build(HotConfig config, OutboxLoader loader, ChecksumStore checksums, String instanceId) {
        return HotCache.builder()
                .loader(loader)
                .maxRefsPerAuthor(config.maxRefsPerAuthor())
                .maxFrequentAuthors(config.maxFrequentAuthors())
                .frequentReadThreshold(config.frequentReadThreshold())
                .agingPeriod(config.agingPeriod())
                .onRebuilt(entry -> recordChecksum(checksums, instanceId, entry))
                .build();
    }

    private static void recordChecksum(ChecksumStore checksums, String instanceId, AuthorEntry entry) {
        checksums.record(instanceId, List.of(entry)).subscribe().with(
                ok -> { },
                // The next rebuild or patrol heartbeat writes it again; a lost write only delays verification.
                e -> LOG.warnf("hot-cache: could not record checksum of author %d: %s", entry.authorId(), e.toString()));
    }
}
