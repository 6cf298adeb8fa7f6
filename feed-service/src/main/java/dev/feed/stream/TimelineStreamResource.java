package dev.feed.stream;

import dev.feed.FeedApi;
import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** {@code GET /v1/timeline/stream}: the home timeline live, as server-sent events, resumable with Last-Event-ID. */
@Path("/v1/timeline/stream")
@Tag(name = FeedApi.TIMELINE)
@SecurityRequirement(name = FeedApi.JWT)
@APIResponse(responseCode = "401", ref = FeedApi.UNAUTHORIZED)
public class TimelineStreamResource {
    private final Caller reader;
    private final StreamHub hub;
    private final StreamConfig config;

    public TimelineStreamResource(Caller reader, StreamHub hub, StreamConfig config) {
        this.reader = reader;
        this.hub = hub;
        this.config = config;
    }

    @GET
    @Blocking // admit() waits for the user's lease in Redis (at most feed.stream.lease-timeout)
    @Authenticated
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The caller's home timeline, live", description = "Server-sent events. 'event: post' with 'id:' the"
            + " item's position (<createdAtEpochMillis>.<postId>) and 'data:' the Post JSON, for each item that joins the home"
            + " timeline; 'event: delete' with 'data: {\"id\": \"<postId>\"}' (no id: line, so Last-Event-ID stays a post's"
            + " position); a ':heartbeat' comment at least every 30 s. With Last-Event-ID (or since=C) every item newer than"
            + " that position is replayed first, oldest first, then the stream goes on live with no gap between the two (a"
            + " client de-duplicates by id). A post that joins the timeline late (relayed), below the stream's position, is sent"
            + " when it joins; on resume, the deletes and such late posts of the last feed.stream.recent-window (1 min) are sent"
            + " too, whatever their position (after a longer absence, re-read the page shown). A stream that carried nothing for feed.stream.idle-timeout (30 min) is closed:"
            + " reconnect with Last-Event-ID. The status is sent before the reader's lists are read: if that fails (relation-service"
            + " unreachable), the stream ends and the client reconnects.")
    @APIResponse(responseCode = "200", description = "The event stream.",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING,
                    examples = "event: post\nid: 1764580000999.7401562722402304001\ndata: {\"id\":\"7401562722402304001\",...}\n\n")))
    @APIResponse(responseCode = "400", description = "Last-Event-ID or since is not a position; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "The caller holds the maximum of open streams (5 by default, counted across all instances), or"
            + " this instance holds its maximum; the detail says which.",
            headers = @Header(name = "Retry-After", description = "Seconds to wait before opening a stream again.",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Multi<OutboundSseEvent> stream(
            @Parameter(description = "The id of the last event received (sent by SSE clients on reconnect): replay what is newer.")
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(ref = FeedApi.SINCE) @QueryParam("since") String since,
            @Context Sse sse) {
        Cursor from = lastEventId != null && !lastEventId.isBlank() ? Cursor.parseSince(lastEventId.trim()) : Cursor.parseSince(since);
        return hub.open(hub.admit(reader.id()), from).map(item -> toSse(sse, item));
    }

    private static OutboundSseEvent toSse(Sse sse, StreamItem item) {
        if (item.comment() != null) {
            return sse.newEventBuilder().comment(item.comment()).build();
        }
        OutboundSseEvent.Builder b = sse.newEventBuilder().name(item.name()).mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, item.data());
        if (item.id() != null) {
            b.id(item.id());
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response limitReached(StreamHub.LimitReached e) {
        return Response.fromResponse(Problem.of(429, "too-many-streams", "Too Many Requests", e.getMessage()).toResponse())
                .header("Retry-After", Math.max(1, config.heartbeat().toSeconds())).build();
    }
}
