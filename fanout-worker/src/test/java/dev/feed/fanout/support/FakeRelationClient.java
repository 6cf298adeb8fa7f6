package dev.feed.fanout.support;

import dev.feed.fanout.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * relation-service is not running in tests: this stands in for its internal API with the same
 * paging contract (ascending keyset pages, next = last id or null) and the same 404 for an
 * unknown author.
 */
@Alternative
@Priority(1)
@ApplicationScoped
@RestClient
public class FakeRelationClient implements RelationClient {
    private final Map<Long, Author> authors = new ConcurrentHashMap<>();

    public void author(long authorId, String tier, List<Long> followers) {
        List<Long> sorted = new ArrayList<>(followers);
        Collections.sort(sorted);
        authors.put(authorId, new Author(tier, sorted));
    }

    @Override
    public Uni<FollowerIdPage> followerIds(String authorId, String after, int limit) {
        Author author = authors.get(Long.parseLong(authorId));
        if (author == null) {
            return Uni.createFrom().failure(new WebApplicationException(404));
        }
        long from = after == null ? Long.MIN_VALUE : Long.parseLong(after);
        List<String> ids = new ArrayList<>();
        int i = firstAfter(author.followers(), from);
        while (i < author.followers().size() && ids.size() < limit) {
            ids.add(Long.toString(author.followers().get(i++)));
        }
        String next = i < author.followers().size() ? ids.get(ids.size() - 1) : null;
        return Uni.createFrom().item(new FollowerIdPage(ids, next));
    }

    @Override
    public Uni<AuthorTier> tier(String authorId) {
        Author author = authors.get(Long.parseLong(authorId));
        if (author == null) {
            return Uni.createFrom().failure(new WebApplicationException(404));
        }
        return Uni.createFrom().item(new AuthorTier(authorId, author.tier(), author.followers().size()));
    }

    private static int firstAfter(List<Long> sorted, long after) {
        int pos = Collections.binarySearch(sorted, after);
        return pos >= 0 ? pos + 1 : -pos - 1;
    }

    private record Author(String tier, List<Long> followers) {
    }
}
