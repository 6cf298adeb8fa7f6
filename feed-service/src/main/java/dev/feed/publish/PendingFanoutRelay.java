package dev.feed.publish;

import dev.feed.post.PendingFanout;
import dev.feed.post.PostStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Finishes fanouts whose dispatch did not complete at publish time (Kafka or Redis down, or the
 * instance died after the durable write): scans the pending-fanout shards and dispatches again
 * whatever is older than the grace period. At-least-once: a record dispatched twice makes a
 * duplicate Kafka event, which the worker's idempotent writes absorb.
 */
@ApplicationScoped
public class PendingFanoutRelay {
    private static final Logger LOG = Logger.getLogger(PendingFanoutRelay.class);

    private final PostStore posts;
    private final PublishService publisher;
    private final PublishConfig config;
    private final AtomicLong pendingSeen = new AtomicLong();

    public PendingFanoutRelay(PostStore posts, PublishService publisher, PublishConfig config, MeterRegistry metrics) {
        this.posts = posts;
        this.publisher = publisher;
        this.config = config;
        metrics.gauge("feed_publish_pending_fanouts", pendingSeen);
    }

    @Scheduled(every = "${feed.publish.relay-interval:PT5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return relayOnce().replaceWithVoid();
    }

    /** One pass over every shard; returns how many pending fanouts it dispatched. */
    public Uni<Integer> relayOnce() {
        Instant cutoff = Instant.now().minus(config.relayGrace());
        return Multi.createFrom().range(0, config.pendingShards())
                .onItem().transformToUniAndConcatenate(posts::pending)
                .onItem().transformToIterable(list -> list)
                .select().where(p -> Instant.ofEpochMilli(p.writeTimeMicros() / 1000).isBefore(cutoff))
                .onItem().transformToUniAndConcatenate(this::redispatch)
                .collect().asList()
                .map(done -> {
                    pendingSeen.set(done.size());
                    if (!done.isEmpty()) {
                        LOG.infof("relay: re-dispatched %d pending fanout(s)", done.size());
                    }
                    return done.size();
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("relay pass failed, next pass retries: %s", e.toString());
                    return 0;
                });
    }

    private Uni<PendingFanout> redispatch(PendingFanout pending) {
        String type = "delete".equals(pending.kind()) ? PostEvent.DELETED : PostEvent.PUBLISHED;
        // The publish request that wrote it is long gone: a late fanout starts a trace of its own.
        return publisher.dispatch(pending, type, Context.root()).replaceWith(pending);
    }
}
