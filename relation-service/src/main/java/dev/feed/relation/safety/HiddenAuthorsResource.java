package dev.feed.relation.safety;

import dev.feed.relation.RelationApi;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.store.PostgresBreaker;
import dev.feed.relation.user.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A reader's hidden authors for feed-service, which caches them per reader like the followee
 * lists and drops those authors' posts and reposts from every page. One query over the three
 * primary-key / index ranges, through the Vert.x client like the other internal reads.
 */
@Path("/internal/v1/users/{id}/hidden-authors")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = RelationApi.INTERNAL)
@SecurityRequirement(name = RelationApi.INTERNAL_TOKEN)
@APIResponse(responseCode = "401", ref = RelationApi.INTERNAL_UNAUTHORIZED)
public class HiddenAuthorsResource {
    private final Pool pool;
    private final PostgresBreaker postgres;

    public HiddenAuthorsResource(Pool pool, PostgresBreaker postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    @Schema(description = "The authors whose posts and reposts a user's home timeline must not show, each list in ascending id order.")
    public record HiddenAuthors(
            @Schema(required = true, description = "Users this user blocks.", examples = "[\"12\"]") List<String> blocked,
            @Schema(required = true, description = "Users who block this user.", examples = "[\"31\"]") List<String> blockedBy,
            @Schema(required = true, description = "Users this user mutes (and may still follow).", examples = "[\"7\"]")
            List<String> muted) {
    }

    @GET
    @Operation(summary = "The authors hidden from a user's home timeline", description = "Blocked by the user, blocking the"
            + " user, muted by the user. An unknown user hides nobody: three empty lists.")
    @APIResponse(responseCode = "200", description = "The three lists.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HiddenAuthors.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<HiddenAuthors> hiddenAuthors(
            @Parameter(description = "The user (the reader).", schema = @Schema(type = SchemaType.STRING, pattern = Ids.PATTERN),
                    example = "1001") @PathParam("id") String rawId) {
        long user = Ids.parse(rawId, "user id");
        return postgres.read(() -> pool.preparedQuery("""
                        SELECT 0, blocked_id FROM blocks WHERE blocker_id = $1
                        UNION ALL SELECT 1, blocker_id FROM blocks WHERE blocked_id = $1
                        UNION ALL SELECT 2, muted_id FROM mutes WHERE muter_id = $1
                        ORDER BY 1, 2""")
                .execute(Tuple.of(user))
                .map(rows -> {
                    List<List<String>> lists = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                    for (Row row : rows) {
                        lists.get(row.getInteger(0)).add(Long.toString(row.getLong(1)));
                    }
                    return new HiddenAuthors(lists.get(0), lists.get(1), lists.get(2));
                }));
    }
}
