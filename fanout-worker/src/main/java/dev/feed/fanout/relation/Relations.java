package dev.feed.fanout.relation;

import dev.feed.fanout.config.FanoutConfig;
import dev.feed.fanout.breaker.Breakers;
import dev.feed.fanout.relation.RelationClient.FollowerIdPage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The worker's view of the social graph: an author's tier and its followers, page by page. */
@ApplicationScoped
public class Relations {
    private static final FollowerIdPage NO_FOLLOWERS = new FollowerIdPage(List.of(), null);

    private final RelationClient client;
    private final FanoutConfig config;
    private final Breakers breakers;

    public Relations(@RestClient RelationClient client, FanoutConfig config, Breakers breakers) {
        this.client = client;
        this.config = config;
        this.breakers = breakers;
    }

    public enum Tier { PUSH, PULL }

    /** One page of followers, numbered from 0 in follower-id order. */
    public record FollowerPage(int index, List<Long> followerIds) {
    }

    /**
     * The author's tier. An author relation-service does not know (a 404) has no followers yet:
     * push tier, which then finds nothing to push.
     */
    public Uni<Tier> tier(long authorId) {
        return withRetries(guarded(() -> client.tier(Long.toString(authorId))
                .map(t -> "pull".equals(t.tier()) ? Tier.PULL : Tier.PUSH)
                .onFailure(Relations::isNotFound).recoverWithItem(Tier.PUSH)));
    }

    /**
     * Every follower of the author in keyset pages of {@code pageSize}, fetched one after the
     * other (each page's cursor comes from the previous one) and emitted as they arrive, so the
     * caller can send a page's batch task while the next page is being read. Empty pages are
     * dropped, so indexes are dense. An author relation-service does not know has no followers.
     */
    public Multi<FollowerPage> followerPages(long authorId, int pageSize) {
        String author = Long.toString(authorId);
        Cursor cursor = new Cursor();
        return Multi.createBy().repeating()
                .uni(() -> cursor, c -> withRetries(guarded(() -> client.followerIds(author, c.after, pageSize)
                                .onFailure(Relations::isNotFound).recoverWithItem(NO_FOLLOWERS)))
                        .invoke(c::advance))
                .whilst(page -> page.next() != null)
                .filter(page -> page.ids() != null && !page.ids().isEmpty())
                .map(page -> new FollowerPage(cursor.emitted++, parseIds(page.ids())));
    }

    /** Behind the relation breaker; a 404 is recovered inside, so it never counts as a failure. */
    private <T> Uni<T> guarded(java.util.function.Supplier<Uni<T>> call) {
        return breakers.relation(call);
    }

    private <T> Uni<T> withRetries(Uni<T> call) {
        if (config.maxAttempts() <= 1) {
            return call;
        }
        return call.onFailure(e -> !isNotFound(e)).retry()
                .withBackOff(config.backoff(), config.maxBackoff())
                .atMost(config.maxAttempts() - 1L);
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof WebApplicationException w && w.getResponse() != null && w.getResponse().getStatus() == 404;
    }

    private static List<Long> parseIds(List<String> ids) {
        List<Long> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            out.add(Long.parseLong(id));
        }
        return out;
    }

    /** Keyset position across pages; only touched by the one sequential paging chain. */
    private static final class Cursor {
        String after;
        int emitted;

        void advance(FollowerIdPage page) {
            after = page.next();
        }
    }
}
