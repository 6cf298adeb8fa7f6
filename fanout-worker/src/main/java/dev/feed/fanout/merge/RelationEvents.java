package dev.feed.fanout.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.dispatch.HotCacheChanges;
import dev.feed.fanout.inbox.InboxStore;
import dev.feed.fanout.kafka.DeadLetters;
import dev.feed.fanout.kafka.PerKey;
import dev.feed.fanout.kafka.PoisonGuard;
import dev.feed.fanout.kafka.RecordsHandler;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.FanoutMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Follow-graph events ({@code feed.relations}, group {@code fanout-relations}): merge on follow,
 * unmerge on unfollow; when an author changes tier, a merge into its followers' live inboxes
 * (leaving the pull tier) and then a hot-cache broadcast, so every feed-service instance pins or
 * unpins that author and stops pulling it once the merge is done.
 *
 * <p>A failure is retried with backoff. An outage then fails the poll, which is redelivered; an
 * event that fails every attempt for a non-transient reason (or cannot be read) goes to
 * {@code feed.relations-dlq} so the events behind it are not held up ({@link PoisonGuard}). A
 * parked event leaves that reader's timeline without the merge or unmerge until an operator
 * replays it: the read path's followee lists stay right, only the inbox is short or long.
 */
@ApplicationScoped
public class RelationEvents implements RecordsHandler {
    public static final String GROUP = "fanout-relations";

    private final FollowMerger merger;
    private final HotCacheChanges hotCache;
    private final ObjectMapper json;
    private final PoisonGuard poison;

    public RelationEvents(FollowMerger merger, HotCacheChanges hotCache, FanoutConfig config, ObjectMapper json,
                          DeadLetters deadLetters, TopicsConfig topics, InboxStore redis, FanoutMetrics metrics) {
        this.merger = merger;
        this.hotCache = hotCache;
        this.json = json;
        this.poison = new PoisonGuard(deadLetters, topics.relationsDlq(),
                new PoisonGuard.Retry(config.maxAttempts(), config.backoff(), config.maxBackoff()),
                redis::ping, metrics::retried, metrics::deadLettered);
    }

    @Override
    public Uni<Void> handle(ConsumerRecords<String, String> records) {
        // Keyed by follower:followee, so a quick follow, unfollow, follow lands in that order.
        return PerKey.process(records, this::apply);
    }

    Uni<Void> apply(ConsumerRecord<String, String> record) {
        JsonNode event;
        try {
            event = json.readTree(record.value());
        } catch (Exception malformed) {
            // Retrying a malformed event cannot help, and failing the poll would block the partition on it.
            return poison.malformed(record, malformed);
        }
        // Deferred: an id that does not parse fails an attempt and is parked like any other poison.
        return poison.run(record, () -> workFor(event));
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
}
