package dev.feed.relation.follow;

import dev.feed.relation.RelationApi;
import dev.feed.relation.event.Relay;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.ratelimit.RateLimited;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.user.Caller;
import dev.feed.relation.user.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Follow, unfollow, and the followers / following pages of the public API. */
@Path("/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = RelationApi.FOLLOWS)
@SecurityRequirement(name = RelationApi.JWT)
@APIResponse(responseCode = "401", ref = RelationApi.UNAUTHORIZED)
public class FollowResource {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final Caller caller;
    private final FollowStore store;
    private final Relay relay;

    public FollowResource(Caller caller, FollowStore store, Relay relay) {
        this.caller = caller;
        this.store = store;
        this.relay = relay;
    }

    /** 204 whether or not the edge existed before: following is idempotent. */
    @PUT
    @Path("/me/following/{id}")
    @Operation(summary = "Follow a user", description = "Idempotent: following someone already followed is also a 204"
            + " and changes no count.")
    @APIResponse(responseCode = "204", description = "The caller follows the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "One of the two blocks the other (PUT /v1/users/me/blocks/{id}).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The caller has no profile yet (type profile-required: create it with"
            + " PUT /v1/users/me first), or already follows the most accounts one user may (type follow-limit, FEED_FOLLOW_MAX,"
            + " default 7,500: unfollow one first).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.FOLLOWS)
    public Uni<Void> follow(
            @Parameter(description = "The user to follow.", example = "1002",
                    schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN))
            @PathParam("id") String rawId) {
        long me = caller.id();
        long followee = Ids.parse(rawId, "user id");
        if (followee == me) {
            throw ProblemException.badRequest("you cannot follow yourself");
        }
        return inTransaction(() -> store.follow(me, followee));
    }

    /** 204 whether or not the edge existed, also for unknown users: afterwards the caller does not follow them. */
    @DELETE
    @Path("/me/following/{id}")
    @Operation(summary = "Unfollow a user", description = "Idempotent: also a 204 when the caller did not follow the user,"
            + " or no user has this id.")
    @APIResponse(responseCode = "204", description = "The caller does not follow the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.FOLLOWS)
    public Uni<Void> unfollow(
            @Parameter(description = "The user to unfollow.", example = "1002",
                    schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN))
            @PathParam("id") String rawId) {
        long me = caller.id();
        long followee = Ids.parse(rawId, "user id");
        if (followee == me) {
            throw ProblemException.badRequest("you cannot follow or unfollow yourself");
        }
        return inTransaction(() -> store.unfollow(me, followee));
    }

    @GET
    @Path("/{id}/followers")
    @WithSession
    @Operation(summary = "The users who follow a user", description = "Keyset pages in ascending user id.")
    @APIResponse(responseCode = "200", description = "One page of followers.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "The id, limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Page> followers(
            @Parameter(description = "The followed user.", example = "1001",
                    schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN))
            @PathParam("id") String rawId, @Parameter(ref = RelationApi.LIMIT) @QueryParam("limit") String rawLimit,
            @Parameter(ref = RelationApi.CURSOR) @QueryParam("cursor") String cursor) {
        return page(rawId, rawLimit, cursor, q -> store.followers(q.userId(), q.after(), q.limit() + 1));
    }

    @GET
    @Path("/{id}/following")
    @WithSession
    @Operation(summary = "The users a user follows", description = "Keyset pages in ascending user id.")
    @APIResponse(responseCode = "200", description = "One page of followees.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "The id, limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Page> following(
            @Parameter(description = "The following user.", example = "1001",
                    schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN))
            @PathParam("id") String rawId, @Parameter(ref = RelationApi.LIMIT) @QueryParam("limit") String rawLimit,
            @Parameter(ref = RelationApi.CURSOR) @QueryParam("cursor") String cursor) {
        return page(rawId, rawLimit, cursor, q -> store.following(q.userId(), q.after(), q.limit() + 1));
    }

    private Uni<Page> page(String rawId, String rawLimit, String cursor, Function<Query, Uni<List<UserSummary>>> load) {
        Query q = new Query(Ids.parse(rawId, "user id"), Paging.after(cursor, "cursor"),
                Paging.limit(rawLimit, DEFAULT_LIMIT, MAX_LIMIT, "limit"));
        return load.apply(q)
                // An empty page may mean an unknown user: only then is it worth the extra lookup.
                .call(items -> items.isEmpty()
                        ? store.exists(q.userId()).invoke(known -> {
                            if (!known) {
                                throw ProblemException.notFound("no user with id " + q.userId());
                            }
                        })
                        : Uni.createFrom().voidItem())
                .map(items -> items.size() > q.limit()
                        ? new Page(items.subList(0, q.limit()), Long.toString(items.get(q.limit() - 1).id()))
                        : new Page(items, null));
    }

    /**
     * Runs one change in its own transaction, retried when PostgreSQL picked it as a deadlock or
     * serialization victim (nothing of it was committed), then nudges the relay after the commit.
     */
    private Uni<Void> inTransaction(Supplier<Uni<Boolean>> change) {
        return Uni.createFrom().deferred(() -> Panache.withTransaction(change))
                .onFailure(FollowResource::isRetryable).retry()
                .withBackOff(Duration.ofMillis(5), Duration.ofMillis(100)).atMost(5)
                .invoke(changed -> {
                    if (changed) {
                        relay.nudge();
                    }
                })
                .replaceWithVoid();
    }

    private static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }

    private record Query(long userId, long after, int limit) {
    }
}
