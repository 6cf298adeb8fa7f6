package dev.feed.timeline;

import dev.feed.FeedApi;
import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.post.PostPage;
import dev.feed.problem.Problem;
import dev.feed.ratelimit.RateLimited;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import dev.feed.problem.ProblemException;
import dev.feed.redis.RedisUnavailableException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
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
    private final SinceTimeline sinceTimeline;
    private final PageTags tags;
    private final RedisOrCassandra redisOrCassandra;

    public TimelineResource(Caller reader, TimelineService timeline, SinceTimeline sinceTimeline, PageTags tags,
            RedisOrCassandra redisOrCassandra) {
        this.reader = reader;
        this.timeline = timeline;
        this.sinceTimeline = sinceTimeline;
        this.tags = tags;
        this.redisOrCassandra = redisOrCassandra;
    }

    /** The reader's home timeline, newest first: their own posts and those of everyone they follow. */
    @GET
    @Authenticated
    @Operation(summary = "The caller's home timeline", description = "The caller's own posts and those of everyone they"
            + " follow, newest first. Paging with nextCursor while posts arrive repeats nothing and skips nothing that"
            + " existed at the first page; deleted posts and unfollowed authors drop out. With 'since' instead of 'cursor':"
            + " the limit items closest above that position, newest first; repeating with since=prevCursor until a page is"
            + " empty yields every newer item once (pull-to-refresh that keeps the reader's place). Every page has an ETag;"
            + " If-None-Match with the current one answers 304 without the page being built.")
    @APIResponse(responseCode = "200", description = "One page of the timeline.",
            headers = @Header(name = "ETag", description = "Names this page's items and cursors; send back in If-None-Match.",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostPage.class)))
    @APIResponse(responseCode = "304", description = "The page is unchanged since the ETag in If-None-Match; no body.",
            headers = @Header(name = "ETag", description = "The same tag.", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "The limit, cursor or since is malformed or out of range, or cursor and"
            + " since were both given; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = FeedApi.RATE_LIMITED)
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    @RateLimited(RateLimited.Family.TIMELINE)
    public Uni<Response> home(@Parameter(ref = FeedApi.LIMIT) @QueryParam("limit") String limit,
            @Parameter(ref = FeedApi.CURSOR) @QueryParam("cursor") String cursor,
            @Parameter(ref = FeedApi.SINCE) @QueryParam("since") String since,
            @Parameter(description = "An ETag of this page from an earlier answer: 304 if the page is still the same.")
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        int size = Cursor.limit(limit);
        if (cursor != null && since != null) {
            throw ProblemException.badRequest("cursor and since are exclusive: cursor pages down, since loads what is newer");
        }
        long readerId = reader.id();
        if (since != null) {
            return answer(readerId, sinceTimeline.page(readerId, Cursor.parseSince(since), size), ifNoneMatch);
        }
        Cursor after = Cursor.parse(cursor);
        if (ifNoneMatch == null) {
            return answer(readerId, timeline.page(readerId, after, size), null);
        }
        if (!redisOrCassandra.redisTrusted()) {
            // Its breaker says Redis is gone: do not wait out its timeout for refs; the page, degraded, answers.
            return answer(readerId, timeline.page(readerId, after, size), ifNoneMatch);
        }
        // The conditional read: the page's tag from its refs alone; hydration only when it changed.
        // Without Redis there are no refs to tag: the page itself, degraded, answers.
        return tags.unhydrated(readerId, after, size)
                .map(tag -> PageTags.matches(ifNoneMatch, tag) ? tag : null)
                .onFailure(RedisUnavailableException.class).recoverWithNull()
                .chain(tag -> tag != null
                        ? Uni.createFrom().item(notModified(tag))
                        : answer(readerId, timeline.page(readerId, after, size), ifNoneMatch));
    }

    private Uni<Response> answer(long readerId, Uni<PostPage> page, String ifNoneMatch) {
        return page.chain(p -> tags.of(readerId, p).map(tag -> PageTags.matches(ifNoneMatch, tag)
                ? notModified(tag)
                : Response.ok(p, MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, tag).build()));
    }

    private static Response notModified(String tag) {
        return Response.notModified().header(HttpHeaders.ETAG, tag).build();
    }
}
