package dev.feed.hot;

import dev.feed.author.TierTransitions;
import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Starts this instance's change consumer and patrol, exposes the cache's metrics, and leaves cleanly. */
@ApplicationScoped
public class HotRuntime {
    private static final Logger LOG = Logger.getLogger(HotRuntime.class);

    private final HotCache cache;
    private final ChecksumStore checksums;
    private final HotVerifier verifier;
    private final HotConfig config;
    private final InstanceId instance;
    private final TierTransitions transitions;
    private final MeterRegistry registry;
    private final String bootstrap;
    private volatile HotChangeConsumer consumer;

    public HotRuntime(HotCache cache, ChecksumStore checksums, HotVerifier verifier, HotConfig config, InstanceId instance,
            TierTransitions transitions, MeterRegistry registry, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.cache = cache;
        this.checksums = checksums;
        this.verifier = verifier;
        this.config = config;
        this.instance = instance;
        this.transitions = transitions;
        this.registry = registry;
        this.bootstrap = bootstrap;
    }

    void onStart(@Observes StartupEvent event) {
        registerMetrics();
        if (config.consumerEnabled()) {
            HotNode node = new HotNode(cache, checksums, config.maxRefsPerAuthor(), verifier::verifyLater);
            consumer = new HotChangeConsumer(bootstrap, instance.value(),
                    List.of(config.postsTopic(), config.changesTopic()), change -> {
                        if (change.reason() == HotChange.Reason.TIER) {
                            transitions.merged(change.authorId()); // fanout-worker sends it after its merge
                        }
                        node.handle(change);
                    }, registry).start();
        }
        LOG.infof("hot-cache: instance %s, K=%d, patrol every %s", instance, config.maxRefsPerAuthor(), config.patrolInterval());
    }

    void onStop(@Observes ShutdownEvent event) {
        HotChangeConsumer c = consumer;
        if (c != null) {
            c.close();
        }
        List<Long> resident = cache.snapshot().stream().map(AuthorEntry::authorId).toList();
        try {
            checksums.forget(instance.value(), resident).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf("hot-cache: could not forget checksums at shutdown (%s); they age out", e.toString());
        }
    }

    /** Waits until this instance's consumer is subscribed; tests use it before sending events. */
    public boolean awaitConsumerAssigned(Duration timeout) throws InterruptedException {
        HotChangeConsumer c = consumer;
        return c != null && c.awaitAssigned(timeout);
    }

    @Scheduled(every = "${feed.hot.patrol-interval:PT30S}", delayed = "${feed.hot.patrol-interval:PT30S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPatrol() {
        return verifier.patrol()
                .onFailure().invoke(e -> LOG.warnf("hot-cache: patrol failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void registerMetrics() {
        counter("feed.hotcache.hits", "Reads answered from resident entries", c -> c.stats().hits());
        counter("feed.hotcache.misses", "Reads of authors not resident or not loaded", c -> c.stats().misses());
        counter("feed.hotcache.rebuilds", "Resident entries rebuilt from the outbox", c -> c.stats().rebuilds());
        counter("feed.hotcache.rebuild.failures", "Rebuilds that failed; the old list stays", c -> c.stats().rebuildFailures());
        counter("feed.hotcache.mismatches", "Local lists found different from the outbox on repair", c -> c.stats().mismatches());
        counter("feed.hotcache.repairs", "Local lists repaired to the outbox's checksum", c -> c.stats().repairs());
        counter("feed.hotcache.coalesced.changes", "Changes folded into a pending rebuild", c -> c.stats().coalescedChanges());
        Gauge.builder("feed.hotcache.resident.authors", cache, c -> c.stats().residentAuthors())
                .description("Authors resident in this instance").register(registry);
        Gauge.builder("feed.hotcache.pinned.authors", cache, c -> c.stats().pinnedAuthors())
                .description("Pull-tier authors pinned in this instance").register(registry);
    }

    private void counter(String name, String description, ToDoubleFunction<HotCache> f) {
        FunctionCounter.builder(name, cache, f).description(description).register(registry);
    }
}
