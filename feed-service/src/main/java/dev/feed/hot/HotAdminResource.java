package dev.feed.hot;

import dev.feed.FeedApi;
import dev.feed.admin.InternalConfig;
import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
import dev.feed.problem.Problem;
import dev.feed.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' view of the hot-author cache. Not for end users: it takes the internal service token
 * ({@code X-Internal-Token}, {@code feed.internal.token}) instead of a user JWT, and is served on the
 * management port only ({@link dev.feed.admin.ManagementDoor}).
 */
@Path("/admin/hot")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = FeedApi.ADMIN)
@SecurityRequirement(name = FeedApi.INTERNAL_TOKEN)
@APIResponse(responseCode = "401", ref = FeedApi.INTERNAL_UNAUTHORIZED)
public class HotAdminResource {
    private final HotCache cache;
    private final ChecksumStore checksums;
    private final HotVerifier verifier;
    private final HotConfig config;
    private final InstanceId instance;
    private final String internalToken;

    public HotAdminResource(HotCache cache, ChecksumStore checksums, HotVerifier verifier, HotConfig config, InstanceId instance,
            InternalConfig internal) {
        this.cache = cache;
        this.checksums = checksums;
        this.verifier = verifier;
        this.config = config;
        this.instance = instance;
        this.internalToken = internal.token().map(String::strip).orElse("");
    }

    @Schema(name = "HotRef", description = "A post reference in the cache.")
    public record Ref(String postId, long createdAtMillis) {
    }

    @Schema(name = "HotEntry", description = "This instance's resident list of the author's latest post refs.")
    public record Entry(long version, @Schema(description = "Checksum of the refs, 16 hex digits.") String checksum,
            long loadedAtMillis, @Schema(description = "Why the entry was (re)loaded.") String reason, List<Ref> refs) {
    }

    @Schema(name = "HotInstanceChecksum", description = "The checksum an instance last wrote for the author.")
    public record InstanceChecksum(String checksum, long version, long writtenAtMillis, boolean matchesOutbox) {
    }

    @Schema(name = "HotAuthor", description = "One author's hot-cache state: this instance's entry and every instance's checksum"
            + " against the Redis outbox's.")
    public record AuthorView(String authorId, String instanceId, boolean resident,
            @Schema(description = "Null if the author is not resident on this instance.") Entry entry,
            String outboxChecksum,
            @Schema(description = "By instance id.") Map<String, InstanceChecksum> instances) {
    }

    @Schema(name = "HotPatrol", description = "The outcome of one verification pass over all hot authors.")
    public record PatrolView(String instanceId, int authors, int mismatches,
            @Schema(description = "Authors with an instance whose checksum differed; a change was re-broadcast for each.")
            List<String> divergedAuthors) {
    }

    @GET
    @Path("/authors/{id}")
    @Operation(summary = "An author's hot-cache entry and checksum state", description = "As seen by the instance that answers.")
    @APIResponse(responseCode = "200", description = "The author's state.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthorView.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AuthorView> author(
            @Parameter(description = "The author's user id.", schema = @Schema(type = SchemaType.STRING, pattern = "^[1-9][0-9]{0,18}$"),
                    example = "7") @PathParam("id") String rawId,
            @Parameter(hidden = true) @HeaderParam("X-Internal-Token") String token) {
        authorize(token);
        long authorId = parseId(rawId);
        return checksums.states(List.of(authorId), config.maxRefsPerAuthor()).map(states -> {
            ChecksumStore.AuthorState state = states.get(0);
            Map<String, InstanceChecksum> instances = new TreeMap<>();
            state.instances().forEach((id, r) -> instances.put(id, new InstanceChecksum(hex(r.checksum()), r.version(),
                    r.writtenAtMillis(), r.checksum() == state.outboxChecksum())));
            Entry entry = cache.peek(authorId).map(HotAdminResource::toEntry).orElse(null);
            return new AuthorView(Long.toString(authorId), instance.value(), cache.isResident(authorId), entry,
                    hex(state.outboxChecksum()), instances);
        });
    }

    @POST
    @Path("/patrol")
    @Operation(summary = "Run a checksum patrol now", description = "Compares every instance's checksum of every hot author with"
            + " the outbox's and re-broadcasts a change for each mismatch, as the scheduled patrol does.")
    @APIResponse(responseCode = "200", description = "The patrol's outcome.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PatrolView.class)))
    public Uni<PatrolView> patrol(@Parameter(hidden = true) @HeaderParam("X-Internal-Token") String token) {
        authorize(token);
        return verifier.patrol().map(r -> new PatrolView(instance.value(), r.authors(), r.mismatches(),
                r.diverged().stream().map(v -> Long.toString(v.authorId())).toList()));
    }

    private static Entry toEntry(AuthorEntry e) {
        List<Ref> refs = e.refs().stream().map((PostRef r) -> new Ref(Long.toString(r.postId()), r.createdAtMillis())).toList();
        return new Entry(e.version(), hex(e.checksum()), e.loadedAtMillis(), e.reason().name(), refs);
    }

    private static String hex(long checksum) {
        return String.format("%016x", checksum);
    }

    private void authorize(String token) {
        // No token configured (only where the startup guard allows it, never in production) opens nothing.
        if (token == null || internalToken.isEmpty() || !java.security.MessageDigest.isEqual(token.getBytes(), internalToken.getBytes())) {
            throw new ProblemException(401, "unauthorized", "Unauthorized", "the X-Internal-Token header is required");
        }
    }

    private static long parseId(String raw) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest("author id must be a positive 64-bit decimal, got '" + raw + "'");
    }
}
