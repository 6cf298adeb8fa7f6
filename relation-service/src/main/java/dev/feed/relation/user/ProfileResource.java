package dev.feed.relation.user;

import dev.feed.relation.RelationApi;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.ratelimit.RateLimited;
import dev.feed.relation.problem.ProblemException;
import dev.feed.relation.problem.Text;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
import org.hibernate.exception.ConstraintViolationException;

@Path("/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = RelationApi.PROFILES)
@SecurityRequirement(name = RelationApi.JWT)
@APIResponse(responseCode = "401", ref = RelationApi.UNAUTHORIZED)
public class ProfileResource {
    private static final java.util.regex.Pattern HANDLE = java.util.regex.Pattern.compile("[a-z0-9_]{3,30}");
    private final Caller caller;

    public ProfileResource(Caller caller) {
        this.caller = caller;
    }

    /** Creates or updates the caller's profile. */
    @PUT
    @Path("/me")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authenticated
    @WithTransaction
    @Operation(summary = "Create or update the caller's profile",
            description = "The caller is the JWT's subject. Idempotent: the same body again answers the same profile.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ProfileRequest.class),
            examples = @ExampleObject(name = "profile", value = "{\"handle\": \"ada\", \"displayName\": \"Ada Lovelace\"}")))
    @APIResponse(responseCode = "200", description = "The caller's profile as stored.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Profile.class)))
    @APIResponse(responseCode = "400", description = "No body, malformed JSON, an unknown field, a handle that is not 3 to 30 of"
            + " [a-z0-9_], or a display name that is blank to a reader (only spaces, invisible or control characters), holds a NUL or a lone surrogate, or is over 100 characters. The detail names the field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "bad handle", value = "{\"type\": \"https://feed.dev/problems/bad-request\","
                            + " \"title\": \"Bad request\", \"status\": 400, \"detail\": \"handle: must be 3 to 30 of [a-z0-9_]\"}")))
    @APIResponse(responseCode = "409", description = "The handle belongs to another user.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", ref = RelationApi.TOO_LARGE)
    @APIResponse(responseCode = "415", ref = RelationApi.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = RelationApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.PROFILE)
    public Uni<Profile> putMe(@Valid @NotNull(message = "a JSON body is required") ProfileRequest request) {
        long id = caller.id();
        // @NotBlank passes a name of zero-width spaces; PostgreSQL refuses a NUL (that was a 500)
        String displayName = Text.requireVisible("displayName", request.displayName(), false).strip();
        return User.<User>findById(id)
                .chain(existing -> {
                    User user = existing != null ? existing : new User();
                    user.id = id;
                    user.handle = request.handle();
                    user.displayName = displayName;
                    user.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return user.<User>persistAndFlush();
                })
                .onFailure(ProfileResource::isHandleTaken).transform(e ->
                        ProblemException.conflict("handle '" + request.handle() + "' is taken"))
                // Re-read the DB-computed columns (counts, tier, created_at). Not session.refresh():
                // Hibernate Reactive 3.2 logs HHH90000034 on every refresh, managed entity or not.
                .chain(user -> User.getSession().invoke(s -> s.detach(user)).chain(() -> User.<User>findById(id)))
                .map(Profile::of);
    }

    @GET
    @Path("/{id}")
    @Authenticated
    @WithSession
    @Operation(summary = "A user's profile by id")
    @APIResponse(responseCode = "200", description = "The profile.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Profile.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Profile> byId(
            @Parameter(description = "The user id.", schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN), example = "1001")
            @PathParam("id") String rawId) {
        long id = Ids.parse(rawId, "user id");
        return User.<User>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no user with id " + id))
                .map(Profile::of);
    }

    @GET
    @Path("/by-handle/{handle}")
    @Authenticated
    @WithSession
    @Operation(summary = "A user's profile by handle")
    @APIResponse(responseCode = "200", description = "The profile.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Profile.class)))
    // A handle that could never exist is simply not found (without a query), so no 400 for it; only text
    // no handle can hold (NUL, controls, lone surrogates) is a 400.
    @APIResponse(responseCode = "400", description = "The handle holds a NUL, a control character or a lone surrogate.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No user has this handle.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Profile> byHandle(@Parameter(description = "The handle, exactly (handles are lower case).", example = "ada")
            @PathParam("handle") String handle) {
        Text.requireEncodable("handle", handle, false); // a NUL reached PostgreSQL and came back a 500
        if (!HANDLE.matcher(handle).matches()) {
            return Uni.createFrom().failure(ProblemException.notFound("no user with handle '" + handle + "'"));
        }
        return User.<User>find("handle", handle).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no user with handle '" + handle + "'"))
                .map(Profile::of);
    }

    private static boolean isHandleTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "users_handle_key".equals(c.getConstraintName())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("users_handle_key")) {
                return true;
            }
        }
        return false;
    }
}
