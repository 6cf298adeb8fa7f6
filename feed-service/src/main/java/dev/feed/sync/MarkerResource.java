package dev.feed.sync;

import dev.feed.FeedApi;
import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.post.PostView;
import dev.feed.post.SnowflakeIds;
import dev.feed.problem.Problem;
import dev.feed.problem.ProblemException;
import dev.feed.timeline.UnreadCounter;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET/PUT /v1/timeline/marker}: the reader's place, monotonic and shared by all their devices. */
@Path("/v1/timeline/marker")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = FeedApi.TIMELINE)
@SecurityRequirement(name = FeedApi.JWT)
@APIResponse(responseCode = "401", ref = FeedApi.UNAUTHORIZED)
public class MarkerResource {
    /** unreadCount saturates here (DESIGN: "a larger backlog says 1000"). */
    static final int UNREAD_CAP = 1000;

    private final Caller reader;
    private final MarkerStore markers;
    private final UnreadCounter unread;

    public MarkerResource(Caller reader, MarkerStore markers, UnreadCounter unread) {
        this.reader = reader;
        this.markers = markers;
        this.unread = unread;
    }

    @GET
    @Authenticated
    @Operation(summary = "The caller's read marker", description = "The stored position, when it last moved, and how many"
            + " home-timeline items are newer (up to 1000). No marker yet: position null, unreadCount 0.")
    @APIResponse(responseCode = "200", description = "The marker.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MarkerView.class)))
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    public Uni<MarkerView> get() {
        long userId = reader.id();
        return markers.read(userId).chain(m -> view(userId, m));
    }

    @PUT
    @Authenticated
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move the caller's read marker forward", description = "The stored position only moves forward: an"
            + " older position leaves it as it is (still 200, answering the stored one).")
    @APIResponse(responseCode = "200", description = "The stored marker after the update.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MarkerView.class)))
    @APIResponse(responseCode = "400", description = "The body or position is missing or malformed; the detail says which.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The request body is over quarkus.http.limits.max-body-size (16 KiB).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not sent as application/json.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    public Uni<MarkerView> put(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = MarkerRequest.class),
            examples = @ExampleObject(name = "marker", value = "{\"position\": \"1764580000999.7401562722402304001\"}")))
            MarkerRequest request) {
        Cursor position = validPosition(request);
        long userId = reader.id();
        return markers.advance(userId, position, Instant.now()).chain(m -> view(userId, m));
    }

    private Uni<MarkerView> view(long userId, Optional<MarkerStore.Marker> marker) {
        if (marker.isEmpty()) {
            return Uni.createFrom().item(new MarkerView(null, 0, null));
        }
        MarkerStore.Marker m = marker.get();
        return unread.count(userId, m.position(), UNREAD_CAP)
                .map(n -> new MarkerView(m.position().toString(), n, PostView.format(m.updatedAt())));
    }

    /** A position of a real item: its millisecond is the one its Snowflake id carries (what makes id order = position order). */
    private static Cursor validPosition(MarkerRequest request) {
        if (request == null || request.position() == null) {
            throw ProblemException.badRequest("position: is required, '<createdAtEpochMillis>.<postId>'");
        }
        Cursor c;
        try {
            c = Cursor.parse(request.position());
        } catch (ProblemException e) {
            throw ProblemException.badRequest("position must be '<createdAtEpochMillis>.<postId>' of a timeline item, got '"
                    + request.position() + "'");
        }
        if (SnowflakeIds.instantOf(c.postId()).toEpochMilli() != c.createdAtMillis()) {
            throw ProblemException.badRequest("position '" + request.position() + "' names no timeline item: the millisecond does"
                    + " not match the post id");
        }
        return c;
    }
}
