package dev.feed.publish;

import dev.feed.FeedApi;
import dev.feed.author.Author;
import dev.feed.author.AuthorDirectory;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.post.DegradablePages;
import dev.feed.post.LocationConfig;
import dev.feed.post.Post;
import dev.feed.post.PostHydrator;
import dev.feed.post.PostPage;
import dev.feed.post.PostStore;
import dev.feed.post.PostView;
import dev.feed.post.PostsAfter;
import dev.feed.problem.Problem;
import dev.feed.ratelimit.RateLimited;
import dev.feed.problem.ProblemException;
import dev.feed.problem.Text;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = FeedApi.POSTS)
@SecurityRequirement(name = FeedApi.JWT)
@APIResponse(responseCode = "401", ref = FeedApi.UNAUTHORIZED)
public class PostResource {
    static final int MAX_TEXT_CODE_POINTS = 500;
    static final int MAX_IDEMPOTENCY_KEY = 64;
    static final String ID_PATTERN = "^[1-9][0-9]{0,18}$";
    private static final java.util.regex.Pattern CANONICAL_ID = java.util.regex.Pattern.compile(ID_PATTERN);

    private final Caller caller;
    private final PublishService publisher;
    private final PostStore posts;
    private final PostsAfter postsAfter;
    private final PostHydrator hydrator;
    private final AuthorDirectory authors;
    private final LocationConfig config;
    private final DegradablePages redisOrCassandra;

    public PostResource(Caller caller, PublishService publisher, PostStore posts, PostHydrator hydrator, AuthorDirectory authors,
            PostsAfter postsAfter, LocationConfig config, DegradablePages redisOrCassandra) {
        this.config = config;
        this.redisOrCassandra = redisOrCassandra;
        this.postsAfter = postsAfter;
        this.caller = caller;
        this.publisher = publisher;
        this.posts = posts;
        this.hydrator = hydrator;
        this.authors = authors;
    }

    @POST
    @Path("/posts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a post", description = "The post is durable when the answer is 201, and reaches the"
            + " followers' timelines within seconds. Retry with the same Idempotency-Key: the same key from the same"
            + " user within 24 h answers the same post, never a second one.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PublishRequest.class),
            examples = @ExampleObject(name = "post", value = "{\"text\": \"hello world\"}")))
    @APIResponse(responseCode = "201", description = "Published (or, for a repeated Idempotency-Key, the post published first).",
            headers = @Header(name = "Location", description = "/v1/posts/{id} of the post.", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostView.class),
                    examples = @ExampleObject(name = "post", value = "{\"id\": \"7401562718208000001\", \"author\": {\"id\": \"1001\","
                            + " \"handle\": \"ada\", \"displayName\": \"Ada Lovelace\"}, \"text\": \"hello world\","
                            + " \"createdAt\": \"2025-12-01T09:06:40.123Z\"}")))
    @APIResponse(responseCode = "400", description = "Malformed JSON, an unknown field, text missing, blank or over 500 code points,"
            + " or an Idempotency-Key that is empty, over 64 characters or holds a control character. The detail says which.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "too long", value = "{\"type\": \"https://feed.dev/problems/bad-request\","
                            + " \"title\": \"Bad request\", \"status\": 400,"
                            + " \"detail\": \"text: must be at most 500 characters (Unicode code points), got 512\"}")))
    @APIResponse(responseCode = "413", description = "The request body is over quarkus.http.limits.max-body-size (16 KiB),"
            + " whether it declared its Content-Length or was sent chunked and cut off in flight.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is not sent as application/json.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    // The publish limit: per user a burst of 30, then 60 a minute; per client address 300 at once, then 600 a minute.
    @APIResponse(responseCode = "429", ref = FeedApi.RATE_LIMITED)
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    @RateLimited(RateLimited.Family.PUBLISH)
    public Uni<Response> publish(PublishRequest request,
            @Parameter(description = "Makes retries safe: the same key from the same user within 24 h answers the post the first"
                    + " request made. 1 to 64 characters.",
                    schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = MAX_IDEMPOTENCY_KEY),
                    example = "3f1c9a52-7d0e-4b8e-9f3a-2c6d1e0b7a44")
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        long authorId = caller.id();
        String text = validText(request);
        Optional<String> key = validKey(idempotencyKey);
        return publisher.publish(authorId, text, key)
                .chain(post -> authors.authors(List.of(post.authorId()))
                        .map(byId -> PostView.of(post, byId.getOrDefault(post.authorId(), Author.unknown(post.authorId())))))
                // Set as a header, not Response.created(): that resolves the path against the request's Host header.
                .map(view -> Response.status(Response.Status.CREATED)
                        .header("Location", config.publicUrl().orElse("") + "/v1/posts/" + view.id()).entity(view).build());
    }

    @GET
    @Path("/posts/{id}")
    @Operation(summary = "A post by id")
    @APIResponse(responseCode = "200", description = "The post.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostView.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No post has this id, or it was deleted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    public Uni<PostView> get(@Parameter(description = "The post id.", schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN),
            example = "7401562718208000001") @PathParam("id") String rawId) {
        long id = parseId(rawId, "post id");
        return hydrator.hydrate(List.of(id)).map(views -> {
            if (views.isEmpty()) {
                throw ProblemException.notFound("no post with id " + id);
            }
            return views.get(0);
        });
    }

    @POST
    @Path("/posts/{id}/reposts")
    @Operation(summary = "Repost a post", description = "Makes a post of the caller's whose repostOf is the original and whose"
            + " text is empty; it joins the caller's followers' home timelines at the repost's time. Once per user and original:"
            + " reposting again answers 200 with the same repost. Reposting a repost reposts its original (reposts never nest)."
            + " Reposting one's own post is allowed. Undo with DELETE /v1/posts/{repostId}. Deleting the original removes"
            + " every repost of it.")
    @APIResponse(responseCode = "201", description = "Reposted.",
            headers = @Header(name = "Location", description = "/v1/posts/{id} of the repost.", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostView.class),
                    examples = @ExampleObject(name = "repost", value = "{\"id\": \"7401562718208000099\", \"author\": {\"id\": \"1002\","
                            + " \"handle\": \"grace\", \"displayName\": \"Grace Hopper\"}, \"text\": \"\","
                            + " \"createdAt\": \"2025-12-01T09:07:00.001Z\", \"repostOf\": {\"id\": \"7401562718208000001\","
                            + " \"author\": {\"id\": \"1001\", \"handle\": \"ada\", \"displayName\": \"Ada Lovelace\"},"
                            + " \"text\": \"hello world\", \"createdAt\": \"2025-12-01T09:06:40.123Z\"}}")))
    @APIResponse(responseCode = "200", description = "The caller had reposted this original already: that repost.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostView.class)))
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "A block lies between the caller and the original's author, in either"
            + " direction (as a follow across a block is refused); a mute does not refuse a repost.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No post has this id, or it (or, for a repost, its original) was deleted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    // Reposts count as publishes: the same buckets.
    @APIResponse(responseCode = "429", ref = FeedApi.RATE_LIMITED)
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    @RateLimited(RateLimited.Family.PUBLISH)
    public Uni<Response> repost(@Parameter(description = "The post to repost.", schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN),
            example = "7401562718208000001") @PathParam("id") String rawId) {
        long id = parseId(rawId, "post id");
        return publisher.repost(caller.id(), id).chain(r -> authors.authors(List.of(r.repost().authorId(), r.original().authorId()))
                .map(byId -> {
                    PostView original = PostView.of(r.original(), byId.getOrDefault(r.original().authorId(),
                            Author.unknown(r.original().authorId())));
                    PostView view = PostView.repost(r.repost(), byId.getOrDefault(r.repost().authorId(),
                            Author.unknown(r.repost().authorId())), original);
                    return r.created()
                            ? Response.status(Response.Status.CREATED)
                                    .header("Location", config.publicUrl().orElse("") + "/v1/posts/" + view.id()).entity(view).build()
                            : Response.ok(view).build();
                }));
    }

    @DELETE
    @Path("/posts/{id}")
    @Operation(summary = "Delete one of the caller's posts", description = "Reads stop returning it before the answer;"
            + " timelines are cleaned up in the background. Deleting again is also a 204.")
    @APIResponse(responseCode = "204", description = "Deleted (now or before).")
    @APIResponse(responseCode = "400", description = "The id is not a positive 64-bit decimal number.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The post is someone else's.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No post ever had this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = FeedApi.RATE_LIMITED)
    @RateLimited(RateLimited.Family.DELETES)
    public Uni<Response> delete(@Parameter(description = "The post id.", schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN),
            example = "7401562718208000001") @PathParam("id") String rawId) {
        long id = parseId(rawId, "post id");
        return publisher.delete(caller.id(), id).map(v -> Response.noContent().build());
    }

    /**
     * One author's posts, newest first, from Cassandra (the durable listing, never trimmed). Redis
     * only serves the tombstone check of reposts' originals; when it is unreachable (or its breaker
     * open) the originals come from Cassandra too and the page is marked degraded, behind the same
     * bulkhead as the degraded home timeline.
     */
    @GET
    @Path("/users/{id}/posts")
    @Operation(summary = "One author's posts, newest first", description = "From the durable store, never trimmed. An author"
            + " who never posted (or does not exist) has an empty page. With the cache (Redis) unreachable the page is built"
            + " from the durable store alone and says \"degraded\": true.")
    @APIResponse(responseCode = "200", description = "One page of the author's posts.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PostPage.class)))
    @APIResponse(responseCode = "400", description = "The id, limit or cursor is malformed or out of range; the detail names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", ref = FeedApi.RATE_LIMITED)
    @APIResponse(responseCode = "503", ref = FeedApi.UNAVAILABLE)
    @RateLimited(RateLimited.Family.TIMELINE)
    public Uni<PostPage> byAuthor(
            @Parameter(description = "The author's user id.", schema = @Schema(type = SchemaType.STRING, pattern = ID_PATTERN),
                    example = "1001") @PathParam("id") String rawId,
            @Parameter(ref = FeedApi.LIMIT) @QueryParam("limit") String rawLimit,
            @Parameter(ref = FeedApi.CURSOR) @QueryParam("cursor") String rawCursor,
            @Parameter(ref = FeedApi.SINCE) @QueryParam("since") String rawSince) {
        long authorId = parseId(rawId, "user id");
        int limit = Cursor.limit(rawLimit);
        if (rawCursor != null && rawSince != null) {
            throw ProblemException.badRequest("cursor and since are exclusive: cursor pages down, since loads what is newer");
        }
        if (rawSince != null) {
            Cursor since = Cursor.parseSince(rawSince);
            return redisOrCassandra.read(() -> byAuthorSince(authorId, since, limit, false), () -> byAuthorSince(authorId, since, limit, true));
        }
        Cursor cursor = Cursor.parse(rawCursor);
        return redisOrCassandra.read(() -> byAuthor(authorId, cursor, limit, false), () -> byAuthor(authorId, cursor, limit, true));
    }

    /** The author's posts below the cursor; {@code durable}: reposts' originals from Cassandra alone (no Redis). */
    private Uni<PostPage> byAuthor(long authorId, Cursor cursor, int limit, boolean durable) {
        return posts.byAuthor(authorId, cursor, limit + 1).chain(found -> {
            boolean more = found.size() > limit;
            List<Post> page = more ? found.subList(0, limit) : found;
            // reposts get their originals, all in one batch; a repost whose original is gone drops out
            return views(page, durable).map(items -> {
                Post last = page.isEmpty() ? null : page.get(page.size() - 1);
                String next = more ? Cursor.after(new PostRef(last.id(), last.createdAtMillis())).toString() : null;
                return new PostPage(items, next);
            });
        });
    }

    /** The author's posts closest above the position, newest first (read upward in Cassandra). */
    private Uni<PostPage> byAuthorSince(long authorId, Cursor since, int limit, boolean durable) {
        return postsAfter.posts(authorId, since, limit).chain(oldestFirst -> views(reversed(oldestFirst), durable).map(items -> {
            String next = items.isEmpty() ? null : Cursor.of(items.get(items.size() - 1)).toString();
            return new PostPage(items, next);
        }));
    }

    private Uni<List<PostView>> views(List<Post> page, boolean durable) {
        return durable ? hydrator.viewsDurable(page) : hydrator.views(page);
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private static String validText(PublishRequest request) {
        if (request == null || request.text() == null) {
            throw ProblemException.badRequest("text: is required");
        }
        String text = Text.requireVisible("text", request.text(), true);
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints > MAX_TEXT_CODE_POINTS) {
            throw ProblemException.badRequest("text: must be at most " + MAX_TEXT_CODE_POINTS + " characters (Unicode code points), got " + codePoints);
        }
        return text;
    }

    private static Optional<String> validKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            throw ProblemException.badRequest("Idempotency-Key header must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        return Optional.of(Text.requireEncodable("Idempotency-Key header", key, false));
    }

    /** Canonical decimal only: Long.parseLong would also take "+7", "007" and other spellings of one id. */
    static long parseId(String raw, String what) {
        try {
            if (raw != null && CANONICAL_ID.matcher(raw).matches()) {
                return Long.parseLong(raw);
            }
        } catch (NumberFormatException ignored) {
            // over Long.MAX_VALUE: reported below
        }
        throw ProblemException.badRequest(what + " must be a positive 64-bit decimal number, got '" + raw + "'");
    }
}
