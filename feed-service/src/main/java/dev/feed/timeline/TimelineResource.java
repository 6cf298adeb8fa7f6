package dev.feed.timeline;

import dev.feed.FeedApi;
import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.post.PostPage;
import dev.feed.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/timeline")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = FeedApi.TIMELINE)
@SecurityRequirement(name = FeedApi.JWT)
@APIResponse(responseCode = "401", ref = FeedApi.UNAUTHORIZED)
public class TimelineResource {
    private final Caller reader;
    private final TimelineService timeline;

    public TimelineResource(Caller reader, TimelineService timeline) {
        this.reader = reader;
        this.timeline = timeline;
    }

    /** The reader's home timeline, newest first: their own posts and those of everyone they follow. */
    @GET
    @Authenticated
    @Operation(summary = "The caller's home timeline", description = "The caller's own posts and those of everyone they"
            + " follow, newest first. Paging with nextCursor while posts arrive repeats nothing and skips nothing that"
            + " existed at the first page; deleted posts and unfollowed authors drop out.")
    @APIResponse(responseCode = "200", description = "One page of the timeline.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostPage.class)))
    @APIResponse(responseCode = "400", description = "The limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    public Uni<PostPage> home(@Parameter(ref = FeedApi.LIMIT) @QueryParam("limit") String limit,
            @Parameter(ref = FeedApi.CURSOR) @QueryParam("cursor") String cursor) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.parse(cursor);
        return timeline.page(reader.id(), after, size);
    }
}
