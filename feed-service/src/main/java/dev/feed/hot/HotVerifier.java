package dev.feed.hot;

import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Compares every instance's checksum of a hot author with the checksum of the author's outbox,
 * after each change (once every instance had {@code feed.hot.verify-delay} to rebuild) and in the
 * periodic patrol. A diverged instance is not fixed from here: a repair broadcast reaches it, and
 * it rebuilds itself from the outbox.
 */
@ApplicationScoped
public class HotVerifier {
    private static final Logger LOG = Logger.getLogger(HotVerifier.class);

    private final HotCache cache;
    private final ChecksumStore checksums;
    private final HotChangeBus bus;
    private final HotConfig config;
    private final InstanceId instance;
    private final Counter diverged;
    private final Counter repairBroadcasts;
    private final Set<Long> scheduled = ConcurrentHashMap.newKeySet();

    public HotVerifier(HotCache cache, ChecksumStore checksums, HotChangeBus bus, HotConfig config, InstanceId instance,
            MeterRegistry registry) {
        this.cache = cache;
        this.checksums = checksums;
        this.bus = bus;
        this.config = config;
        this.instance = instance;
        this.diverged = Counter.builder("feed.hotcache.verify.mismatches")
                .description("Instance checksums found different from the outbox's").register(registry);
        this.repairBroadcasts = Counter.builder("feed.hotcache.repair.broadcasts")
                .description("Repair broadcasts sent for diverged authors").register(registry);
    }

    /** One author's verdict: which instances diverged from the outbox. */
    public record Verdict(long authorId, long outboxChecksum, Map<String, ChecksumStore.Recorded> instances,
            List<String> diverged) {
    }

    public record Report(int authors, int mismatches, List<Verdict> diverged) {
    }

    /** Verifies after a change; bursts for one author collapse into one verification. */
    public void verifyLater(long authorId) {
        if (!scheduled.add(authorId)) {
            return;
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(config.verifyDelay())
                .invoke(() -> scheduled.remove(authorId))
                .chain(() -> verify(List.of(authorId)))
                .subscribe().with(r -> { }, e -> LOG.warnf("hot-cache: verification of author %d failed: %s", authorId, e.toString()));
    }

    /** The patrol: rewrites this instance's checksums (a heartbeat), then verifies every resident author. */
    public Uni<Report> patrol() {
        List<AuthorEntry> entries = cache.snapshot();
        List<Long> authors = new ArrayList<>(entries.size());
        entries.forEach(e -> authors.add(e.authorId()));
        return checksums.record(instance.value(), entries).chain(() -> verify(authors));
    }

    public Uni<Report> verify(List<Long> authorIds) {
        return checksums.states(authorIds, config.maxRefsPerAuthor()).map(this::judge);
    }

    private Report judge(List<ChecksumStore.AuthorState> states) {
        long freshAfter = System.currentTimeMillis() - config.checksumMaxAge().toMillis();
        List<Verdict> divergedAuthors = new ArrayList<>();
        int mismatches = 0;
        for (ChecksumStore.AuthorState state : states) {
            List<String> divergedInstances = new ArrayList<>();
            state.instances().forEach((id, recorded) -> {
                if (recorded.writtenAtMillis() >= freshAfter && recorded.checksum() != state.outboxChecksum()) {
                    divergedInstances.add(id);
                }
            });
            if (!divergedInstances.isEmpty()) {
                mismatches += divergedInstances.size();
                diverged.increment(divergedInstances.size());
                divergedAuthors.add(new Verdict(state.authorId(), state.outboxChecksum(), state.instances(), divergedInstances));
                // One broadcast per author: every diverged instance hears it and repairs itself.
                bus.broadcast(state.authorId(), HotChange.Reason.REPAIR);
                repairBroadcasts.increment();
                LOG.infof("hot-cache: author %d diverged on %s; repair broadcast", state.authorId(), divergedInstances);
            }
        }
        return new Report(states.size(), mismatches, divergedAuthors);
    }
}
