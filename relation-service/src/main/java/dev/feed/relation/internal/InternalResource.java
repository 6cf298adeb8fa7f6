package dev.feed.relation.internal;

import dev.feed.relation.RelationApi;
import dev.feed.relation.follow.Paging;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.store.PostgresBreaker;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Endpoints for the other services (fanout-worker, feed-service), not the mobile app. They read
 * through the Vert.x client directly: plain keyset queries on the covering indexes, no ORM, since
 * a fanout of a million followers asks for a thousand pages.
 */
@Path("/internal/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = RelationApi.INTERNAL)
@SecurityRequirement(name = RelationApi.INTERNAL_TOKEN)
@APIResponse(responseCode = "401", ref = RelationApi.INTERNAL_UNAUTHORIZED)
public class InternalResource {
    static final int DEFAULT_FOLLOWER_PAGE = 1000;
    static final int MAX_FOLLOWER_PAGE = 5000;
    static final int MAX_LOOKUP = 500;

    private final Pool pool;
    private final PostgresBreaker postgres;

    public InternalResource(Pool pool, PostgresBreaker postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    @Schema(description = "One page of follower ids in ascending order.")
    public record FollowerIds(
            @Schema(required = true, examples = "[\"12\", \"15\"]") List<String> ids,
            @Schema(required = true, nullable = true, description = "Pass as 'after' for the next page; null on the last page.",
                    examples = "15") String next) {
    }

    @Schema(description = "The accounts a user follows, split by tier, each in ascending id order.")
    public record Followees(
            @Schema(required = true, description = "Push tier: their posts are pushed into the user's inbox.", examples = "[\"12\"]")
            List<String> push,
            @Schema(required = true, description = "Pull tier: their posts are merged in at read time.", examples = "[\"7\"]")
            List<String> pull) {
    }

    @Schema(description = "An author's fanout tier and exact follower count.")
    public record AuthorTier(
            @Schema(required = true, examples = "7") String id,
            @Schema(required = true, enumeration = {"push", "pull"}) String tier,
            @Schema(required = true, examples = "125000") long followerCount) {
    }

    @Schema(description = "The ids to look up.")
    public record LookupRequest(
            @Schema(required = true, maxItems = MAX_LOOKUP, examples = "[\"1001\", \"1002\"]")
            @NotNull(message = "is required")
            @Size(max = MAX_LOOKUP, message = "must hold at most " + MAX_LOOKUP + " ids")
            List<String> ids) {
    }

    public record LookupItem(
            @Schema(required = true, examples = "1001") String id,
            @Schema(required = true, examples = "ada") String handle,
            @Schema(required = true, examples = "Ada Lovelace") String displayName) {
    }

    @Schema(description = "The known ids, in the order asked, each once; unknown ids are left out.")
    public record Lookup(@Schema(required = true) List<LookupItem> items) {
    }

    /** Follower ids in ascending order after {@code after}; {@code next} is null on the last page. Unknown authors have none. */
    @GET
    @Path("/authors/{id}/follower-ids")
    @Operation(summary = "A page of an author's follower ids", description = "Ascending follower ids after 'after'."
            + " An unknown author has no followers: an empty page, not a 404.")
    @APIResponse(responseCode = "200", description = "One page of follower ids.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FollowerIds.class)))
    @APIResponse(responseCode = "400", description = "The id, after or limit is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<FollowerIds> followerIds(
            @Parameter(description = "The author.", schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN), example = "7")
            @PathParam("id") String rawId,
            @Parameter(description = "The 'next' of the previous page; absent (or 0) for the first page.",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9]{1,19}$"), example = "15")
            @QueryParam("after") String rawAfter,
            @Parameter(description = "Page size.", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "" + MAX_FOLLOWER_PAGE, defaultValue = "" + DEFAULT_FOLLOWER_PAGE)) @QueryParam("limit") String rawLimit) {
        long author = Ids.parse(rawId, "author id");
        long after = Paging.after(rawAfter, "after");
        int limit = Paging.limit(rawLimit, DEFAULT_FOLLOWER_PAGE, MAX_FOLLOWER_PAGE, "limit");
        // Ordering by both columns pins the plan to follows_followee_follower (an index-only range
        // scan); with stale statistics the planner may otherwise filter the primary key instead.
        return postgres.read(() -> pool.preparedQuery("""
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
                }));
    }

    /** The accounts a user follows, split by the tier that decides how their posts reach the user. */
    @GET
    @Path("/users/{id}/followees")
    @Operation(summary = "The accounts a user follows, by tier", description = "An unknown user follows nobody: both lists empty.")
    @APIResponse(responseCode = "200", description = "The followees split by tier.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Followees.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Followees> followees(
            @Parameter(description = "The user.", schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN), example = "1001")
            @PathParam("id") String rawId) {
        long user = Ids.parse(rawId, "user id");
        return postgres.read(() -> pool.preparedQuery("""
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
                }));
    }

    @GET
    @Path("/authors/{id}/tier")
    @Operation(summary = "An author's fanout tier")
    @APIResponse(responseCode = "200", description = "The tier and follower count.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthorTier.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id (fanout-worker treats it as push tier with 0 followers).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AuthorTier> tier(
            @Parameter(description = "The author.", schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN), example = "7")
            @PathParam("id") String rawId) {
        long author = Ids.parse(rawId, "author id");
        return postgres.read(() -> pool.preparedQuery("SELECT tier, follower_count FROM users WHERE id = $1")
                .execute(Tuple.of(author))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("no user with id " + author);
                    }
                    Row row = rows.iterator().next();
                    return new AuthorTier(Long.toString(author), row.getString(0), row.getLong(1));
                }));
    }

    /** Profiles of the known ids, in the order asked, each once; unknown ids are left out. */
    @POST
    @Path("/users/lookup")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Profiles of many users at once", description = "For hydrating post authors; at most "
            + MAX_LOOKUP + " ids per request.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = LookupRequest.class),
            examples = @ExampleObject(name = "two ids", value = "{\"ids\": [\"1001\", \"1002\"]}")))
    @APIResponse(responseCode = "200", description = "The known users.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Lookup.class)))
    @APIResponse(responseCode = "400", description = "No body, malformed JSON, an unknown field, ids missing or over "
            + MAX_LOOKUP + ", or an id that is not a positive 64-bit decimal number (the detail names it).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", ref = RelationApi.TOO_LARGE)
    @APIResponse(responseCode = "415", ref = RelationApi.UNSUPPORTED_MEDIA_TYPE)
    public Uni<Lookup> lookup(@Valid @NotNull(message = "a JSON body is required") LookupRequest request) {
        Set<Long> ids = new LinkedHashSet<>();
        for (int i = 0; i < request.ids().size(); i++) {
            ids.add(Ids.parse(request.ids().get(i), "ids[" + i + "]"));
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Lookup(List.of()));
        }
        return postgres.read(() -> pool.preparedQuery("SELECT id, handle, display_name FROM users WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .map(rows -> {
                    java.util.Map<Long, LookupItem> found = new java.util.HashMap<>();
                    for (Row row : rows) {
                        found.put(row.getLong(0), new LookupItem(Long.toString(row.getLong(0)), row.getString(1), row.getString(2)));
                    }
                    return new Lookup(ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList());
                }));
    }
}
