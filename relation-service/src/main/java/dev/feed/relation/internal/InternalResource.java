package dev.feed.relation.internal;

import dev.feed.relation.follow.Paging;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.tier.Tier;
import dev.feed.relation.user.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Endpoints for the other services (fanout-worker, feed-service), not the mobile app. They read
 * through the Vert.x client directly: plain keyset queries on the covering indexes, no ORM, since
 * a fanout of a million followers asks for a thousand pages.
 */
@Path("/internal/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {
    static final int DEFAULT_FOLLOWER_PAGE = 1000;
    static final int MAX_FOLLOWER_PAGE = 5000;
    static final int MAX_LOOKUP = 500;

    private final Pool pool;

    public InternalResource(Pool pool) {
        this.pool = pool;
    }

    public record FollowerIds(List<String> ids, String next) {
    }

    public record Followees(List<String> push, List<String> pull) {
    }

    public record AuthorTier(String id, String tier, long followerCount) {
    }

    public record LookupRequest(
            @NotNull(message = "is required")
            @Size(max = MAX_LOOKUP, message = "must hold at most " + MAX_LOOKUP + " ids")
            List<String> ids) {
    }

    public record LookupItem(String id, String handle, String displayName) {
    }

    public record Lookup(List<LookupItem> items) {
    }

    /** Follower ids in ascending order after {@code after}; {@code next} is null on the last page. Unknown authors have none. */
    @GET
    @Path("/authors/{id}/follower-ids")
    public Uni<FollowerIds> followerIds(@PathParam("id") String rawId, @QueryParam("after") String rawAfter,
            @QueryParam("limit") String rawLimit) {
        long author = Ids.parse(rawId, "author id");
        long after = Paging.after(rawAfter, "after");
        int limit = Paging.limit(rawLimit, DEFAULT_FOLLOWER_PAGE, MAX_FOLLOWER_PAGE, "limit");
        // Ordering by both columns pins the plan to follows_followee_follower (an index-only range
        // scan); with stale statistics the planner may otherwise filter the primary key instead.
        return pool.preparedQuery("""
                        SELECT follower_id FROM follows WHERE followee_id = $1 AND follower_id > $2
                        ORDER BY followee_id, follower_id LIMIT $3""")
                .execute(Tuple.of(author, after, limit + 1))
                .map(rows -> {
                    List<String> ids = new ArrayList<>(Math.min(rows.size(), limit));
                    for (Row row : rows) {
                        if (ids.size() == limit) {
                            return new FollowerIds(ids, ids.get(limit - 1));
                        }
                        ids.add(Long.toString(row.getLong(0)));
                    }
                    return new FollowerIds(ids, null);
                });
    }

    /** The accounts a user follows, split by the tier that decides how their posts reach the user. */
    @GET
    @Path("/users/{id}/followees")
    public Uni<Followees> followees(@PathParam("id") String rawId) {
        long user = Ids.parse(rawId, "user id");
        return pool.preparedQuery("""
                        SELECT u.id, u.tier FROM follows f JOIN users u ON u.id = f.followee_id
                        WHERE f.follower_id = $1 ORDER BY u.id""")
                .execute(Tuple.of(user))
                .map(rows -> {
                    List<String> push = new ArrayList<>();
                    List<String> pull = new ArrayList<>();
                    for (Row row : rows) {
                        (Tier.PULL.equals(row.getString(1)) ? pull : push).add(Long.toString(row.getLong(0)));
                    }
                    return new Followees(push, pull);
                });
    }

    @GET
    @Path("/authors/{id}/tier")
    public Uni<AuthorTier> tier(@PathParam("id") String rawId) {
        long author = Ids.parse(rawId, "author id");
        return pool.preparedQuery("SELECT tier, follower_count FROM users WHERE id = $1")
                .execute(Tuple.of(author))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("no user with id " + author);
                    }
                    Row row = rows.iterator().next();
                    return new AuthorTier(Long.toString(author), row.getString(0), row.getLong(1));
                });
    }

    /** Profiles of the known ids, in the order asked, each once; unknown ids are left out. */
    @POST
    @Path("/users/lookup")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Lookup> lookup(@Valid @NotNull(message = "a JSON body is required") LookupRequest request) {
        Set<Long> ids = new LinkedHashSet<>();
        for (int i = 0; i < request.ids().size(); i++) {
            ids.add(Ids.parse(request.ids().get(i), "ids[" + i + "]"));
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Lookup(List.of()));
        }
        return pool.preparedQuery("SELECT id, handle, display_name FROM users WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .map(rows -> {
                    java.util.Map<Long, LookupItem> found = new java.util.HashMap<>();
                    for (Row row : rows) {
                        found.put(row.getLong(0), new LookupItem(Long.toString(row.getLong(0)), row.getString(1), row.getString(2)));
                    }
                    return new Lookup(ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList());
                });
    }
}
