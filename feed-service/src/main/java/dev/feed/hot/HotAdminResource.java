package dev.feed.hot;

import dev.feed.hotcache.AuthorEntry;
import dev.feed.hotcache.HotCache;
import dev.feed.hotcache.PostRef;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Operators' view of the hot-author cache. Not for end users: it takes the internal service token
 * ({@code X-Internal-Token}, {@code feed.internal.token}) instead of a user JWT.
 */
@Path("/admin/hot")
@Produces(MediaType.APPLICATION_JSON)
public class HotAdminResource {
    private final HotCache cache;
    private final ChecksumStore checksums;
    private final HotVerifier verifier;
    private final HotConfig config;
    private final InstanceId instance;
    private final String internalToken;

    public HotAdminResource(HotCache cache, ChecksumStore checksums, HotVerifier verifier, HotConfig config, InstanceId instance,
            @ConfigProperty(name = "feed.internal.token") String internalToken) {
        this.cache = cache;
        this.checksums = checksums;
        this.verifier = verifier;
        this.config = config;
        this.instance = instance;
        this.internalToken = internalToken;
    }

    public record Ref(String postId, long createdAtMillis) {
    }

    public record Entry(long version, String checksum, long loadedAtMillis, String reason, List<Ref> refs) {
    }

    public record InstanceChecksum(String checksum, long version, long writtenAtMillis, boolean matchesOutbox) {
    }

    public record AuthorView(String authorId, String instanceId, boolean resident, Entry entry, String outboxChecksum,
            Map<String, InstanceChecksum> instances) {
    }

    public record PatrolView(String instanceId, int authors, int mismatches, List<String> divergedAuthors) {
    }

    @GET
    @Path("/authors/{id}")
    public Uni<AuthorView> author(@PathParam("id") String rawId, @HeaderParam("X-Internal-Token") String token) {
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
    public Uni<PatrolView> patrol(@HeaderParam("X-Internal-Token") String token) {
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
        if (token == null || !java.security.MessageDigest.isEqual(token.getBytes(), internalToken.getBytes())) {
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
