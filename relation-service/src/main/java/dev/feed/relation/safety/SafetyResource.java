package dev.feed.relation.safety;

import dev.feed.relation.RelationApi;
import dev.feed.relation.event.Relay;
import dev.feed.relation.follow.Page;
import dev.feed.relation.follow.Paging;
import dev.feed.relation.follow.Transactions;
import dev.feed.relation.follow.UserSummary;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.ratelimit.RateLimited;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.user.Caller;
import dev.feed.relation.user.Ids;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Block, unblock, mute, unmute, and the caller's pages of blocked and muted users. */
@Path("/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = RelationApi.SAFETY)
@SecurityRequirement(name = RelationApi.JWT)
@APIResponse(responseCode = "401", ref = RelationApi.UNAUTHORIZED)
public class SafetyResource {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final Caller caller;
    private final SafetyStore store;
    private final Relay relay;

    public SafetyResource(Caller caller, SafetyStore store, Relay relay) {
        this.caller = caller;
        this.store = store;
        this.relay = relay;
    }

    @PUT
    @Path("/me/blocks/{id}")
    @Operation(summary = "Block a user", description = "Idempotent. Ends the follow edges between the two in both directions"
            + " (counts and events as for an unfollow); while the block lasts neither can follow the other (403) and the"
            + " blocked user's posts and reposts leave the caller's home timeline, and the caller's leave theirs.")
    @APIResponse(responseCode = "204", description = "The caller blocks the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The caller has no profile yet: create it with PUT /v1/users/me first.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.SAFETY)
    public Uni<Void> block(@Parameter(description = "The user to block.", example = "1002",
            schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN)) @PathParam("id") String rawId) {
        long me = caller.id();
        long other = other(me, rawId, "block");
        return change(() -> store.block(me, other));
    }

    @DELETE
    @Path("/me/blocks/{id}")
    @Operation(summary = "Unblock a user", description = "Idempotent: also a 204 when there was no block or no such user."
            + " Follow edges the block ended are not restored.")
    @APIResponse(responseCode = "204", description = "The caller does not block the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.SAFETY)
    public Uni<Void> unblock(@Parameter(description = "The user to unblock.", example = "1002",
            schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN)) @PathParam("id") String rawId) {
        long me = caller.id();
        long other = other(me, rawId, "unblock");
        return change(() -> store.unblock(me, other));
    }

    @GET
    @Path("/me/blocks")
    @WithSession
    @Operation(summary = "The users the caller blocks", description = "Keyset pages in ascending user id.")
    @APIResponse(responseCode = "200", description = "One page of blocked users.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "The limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Page> blocks(@Parameter(ref = RelationApi.LIMIT) @QueryParam("limit") String rawLimit,
            @Parameter(ref = RelationApi.CURSOR) @QueryParam("cursor") String cursor) {
        return page(rawLimit, cursor, (after, limit) -> store.blocked(caller.id(), after, limit));
    }

    @PUT
    @Path("/me/mutes/{id}")
    @Operation(summary = "Mute a user", description = "Idempotent. The muted user's posts and reposts leave the caller's home"
            + " timeline; the caller still follows them.")
    @APIResponse(responseCode = "204", description = "The caller mutes the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The caller has no profile yet: create it with PUT /v1/users/me first.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.SAFETY)
    public Uni<Void> mute(@Parameter(description = "The user to mute.", example = "1002",
            schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN)) @PathParam("id") String rawId) {
        long me = caller.id();
        long other = other(me, rawId, "mute");
        return change(() -> store.mute(me, other));
    }

    @DELETE
    @Path("/me/mutes/{id}")
    @Operation(summary = "Unmute a user", description = "Idempotent: also a 204 when there was no mute or no such user.")
    @APIResponse(responseCode = "204", description = "The caller does not mute the user.")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number, or it is the caller's own.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.SAFETY)
    public Uni<Void> unmute(@Parameter(description = "The user to unmute.", example = "1002",
            schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN)) @PathParam("id") String rawId) {
        long me = caller.id();
        long other = other(me, rawId, "unmute");
        return change(() -> store.unmute(me, other));
    }

    @GET
    @Path("/me/mutes")
    @WithSession
    @Operation(summary = "The users the caller mutes", description = "Keyset pages in ascending user id.")
    @APIResponse(responseCode = "200", description = "One page of muted users.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "The limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Page> mutes(@Parameter(ref = RelationApi.LIMIT) @QueryParam("limit") String rawLimit,
            @Parameter(ref = RelationApi.CURSOR) @QueryParam("cursor") String cursor) {
        return page(rawLimit, cursor, (after, limit) -> store.muted(caller.id(), after, limit));
    }

    private static long other(long me, String rawId, String verb) {
        long other = Ids.parse(rawId, "user id");
        if (other == me) {
            throw ProblemException.badRequest("you cannot " + verb + " yourself");
        }
        return other;
    }

    /** Commits one change (retried as a deadlock victim) and nudges the relay when it wrote events. */
    private Uni<Void> change(Supplier<Uni<Boolean>> change) {
        return Transactions.retrying(change)
                .invoke(changed -> {
                    if (changed) {
                        relay.nudge();
                    }
                })
                .replaceWithVoid();
    }

    private static Uni<Page> page(String rawLimit, String cursor, PageLoader load) {
        long after = Paging.after(cursor, "cursor");
        int limit = Paging.limit(rawLimit, DEFAULT_LIMIT, MAX_LIMIT, "limit");
        return load.load(after, limit + 1)
                .map(items -> items.size() > limit
                        ? new Page(items.subList(0, limit), Long.toString(items.get(limit - 1).id()))
                        : new Page(items, null));
    }

    @FunctionalInterface
    private interface PageLoader {
        Uni<List<UserSummary>> load(long after, int limit);
    }
}
