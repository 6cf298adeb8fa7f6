package dev.feed.fanout.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.FanoutConfig;
import dev.feed.fanout.dispatch.HotCacheChanges;
import dev.feed.fanout.kafka.PerKey;
import dev.feed.fanout.kafka.RecordsHandler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

/**
 * Follow-graph events ({@code feed.relations}, group {@code fanout-relations}): merge on follow,
 * unmerge on unfollow; when an author changes tier, a merge into its followers' live inboxes
 * (leaving the pull tier) and then a hot-cache broadcast, so every feed-service instance pins or
 * unpins that author and stops pulling it once the merge is done.
 *
 * <p>A failure is retried with backoff, then fails the poll, which is redelivered: these events
 * are few and losing one would leave a wrong timeline, so there is no dead-letter shortcut.
 */
@ApplicationScoped
public class RelationEvents implements RecordsHandler {
    public static final String GROUP = "fanout-relations";
    private static final Logger LOG = Logger.getLogger(RelationEvents.class);

    private final FollowMerger merger;
    private final HotCacheChanges hotCache;
    private final FanoutConfig config;
    private final ObjectMapper json;

    public RelationEvents(FollowMerger merger, HotCacheChanges hotCache, FanoutConfig config, ObjectMapper json) {
        this.merger = merger;
        this.hotCache = hotCache;
        this.config = config;
        this.json = json;
    }

    @Override
    public Uni<Void> handle(ConsumerRecords<String, String> records) {
        // Keyed by follower:followee, so a quick follow, unfollow, follow lands in that order.
        return PerKey.process(records, this::apply);
    }

    Uni<Void> apply(ConsumerRecord<String, String> record) {
        Uni<Void> work;
        try {
            work = workFor(json.readTree(record.value()));
        } catch (Exception malformed) {
            // Retrying a malformed event cannot help, and failing the poll would block the partition on it.
            LOG.errorf("skipping malformed relation event at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), malformed.getMessage());
            return Uni.createFrom().voidItem();
        }
        return withRetries(work);
    }

    private Uni<Void> workFor(JsonNode event) {
        return switch (event.path("type").asText()) {
            case "relation.followed" -> "push".equals(event.path("followeeTier").asText())
                    ? merger.merge(id(event, "followerId"), id(event, "followeeId")).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            case "relation.unfollowed" -> merger.unmerge(id(event, "followerId"), id(event, "followeeId")).replaceWithVoid();
            case "author.tier-changed" -> tierChanged(id(event, "authorId"), event.path("tier").asText());
            default -> Uni.createFrom().voidItem();
        };
    }

    /**
     * Leaving the pull tier, the author's pull-period posts go into the live inboxes of its
     * followers first; the broadcast after it tells every feed-service instance that the merge is
     * done (until then they keep pulling the author), and re-pins or unpins it in the hot-cache.
     * Entering the pull tier moves nothing: inboxes keep what was pushed, reads pull the rest.
     */
    private Uni<Void> tierChanged(long authorId, String tier) {
        Uni<Integer> merged = "push".equals(tier) ? merger.mergeIntoFollowers(authorId) : Uni.createFrom().item(0);
        return merged.chain(() -> hotCache.broadcast(authorId, "tier"));
    }

    private static long id(JsonNode event, String field) {
        return Long.parseLong(event.path(field).asText());
    }

    private Uni<Void> withRetries(Uni<Void> work) {
        if (config.maxAttempts() <= 1) {
            return work;
        }
        return work.onFailure().retry()
                .withBackOff(config.backoff(), config.maxBackoff())
                .atMost(config.maxAttempts() - 1L);
    }
}
