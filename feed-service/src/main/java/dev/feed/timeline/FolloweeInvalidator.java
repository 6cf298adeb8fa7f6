package dev.feed.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.author.TierTransitions;
import dev.feed.hot.InstanceId;
import dev.feed.hotcache.HotCache;
import dev.feed.kafka.ConsumerLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every instance reads {@code feed.relations} with its own consumer group and drops the cached
 * followee lists of readers who followed or unfollowed someone, so an unfollowed author leaves
 * the timeline within the relay's delay (well under a second) rather than a cache lifetime. A
 * tier change moves an author between the push and pull lists of all its followers: everything
 * is dropped then (rare), and an author back in the push tier stops being resident in hot-cache
 * (pull-tier authors are pinned by the first read that needs them). Missing an event only delays
 * the change to the cache TTL; a missed unpin leaves an entry that stays correct (it is still
 * rebuilt on every change) but costs memory until the instance restarts. Block and mute events
 * drop the cached {@link HiddenAuthors} of the users they name in the same way.
 *
 * <p>Consumed through SmallRye Reactive Messaging (channel {@value #CHANNEL}, configured under
 * {@code mp.messaging.incoming.followee-invalidations.*}): group {@code feed-followees-<instance>},
 * from the earliest offset (replaying invalidations into a cold cache is harmless), reconnects and
 * commits handled by the connector. An unreadable event is skipped, never retried: it can only
 * delay an invalidation to the TTL.
 */
@ApplicationScoped
public class FolloweeInvalidator {
    public static final String CHANNEL = "followee-invalidations";
    private static final Logger LOG = Logger.getLogger(FolloweeInvalidator.class);

    private final FolloweeCache followees;
    private final HiddenAuthorsCache hiddenAuthors;
    private final HotCache hotCache;
    private final TierTransitions transitions;
    private final ConsumerLag lag;
    private final KafkaClientService kafka;
    private final ObjectMapper json = new ObjectMapper();

    public FolloweeInvalidator(FolloweeCache followees, HiddenAuthorsCache hiddenAuthors, HotCache hotCache, TierTransitions transitions,
            TimelineConfig config, InstanceId instance, KafkaClientService kafka, MeterRegistry registry) {
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
        this.hotCache = hotCache;
        this.transitions = transitions;
        this.kafka = kafka;
        this.lag = new ConsumerLag(registry, "feed-followees-" + instance.value(), List.of(config.relationsTopic()));
    }

    @Incoming(CHANNEL)
    public void onRelationEvent(String value) {
        apply(value);
    }

    /** The lag gauge, read on the connector's polling thread (a KafkaConsumer is single-threaded). */
    @Scheduled(every = "${feed.kafka.lag-interval:PT5S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> updateLag() {
        return ConsumerLag.updateOnPollingThread(kafka, CHANNEL, lag);
    }

    void apply(String value) {
        try {
            JsonNode event = json.readTree(value);
            switch (event.path("type").asText()) {
                case "relation.followed", "relation.unfollowed" -> followees.invalidate(event.path("followerId").asLong());
                // A block hides each from the other; a mute only the muted from the muter.
                case "relation.blocked", "relation.unblocked" -> {
                    hiddenAuthors.invalidate(event.path("blockerId").asLong());
                    hiddenAuthors.invalidate(event.path("blockedId").asLong());
                }
                case "relation.muted", "relation.unmuted" -> hiddenAuthors.invalidate(event.path("muterId").asLong());
                case "author.tier-changed" -> {
                    if ("push".equals(event.path("tier").asText())) {
                        // before the lists switch: until the merge is done, inboxes lack the pull-period posts
                        transitions.leftPullTier(event.path("authorId").asLong());
                    }
                    followees.invalidateAll();
                    if ("push".equals(event.path("tier").asText())) {
                        hotCache.unpin(event.path("authorId").asLong());
                    }
                }
                default -> {
                    // other event types do not change anyone's followee lists
                }
            }
        } catch (Exception e) {
            LOG.debugf("ignoring unreadable relation event: %s", e.toString());
        }
    }
}
