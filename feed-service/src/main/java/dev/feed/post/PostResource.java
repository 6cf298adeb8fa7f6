package dev.feed.post;

import dev.feed.author.Author;
import dev.feed.author.AuthorDirectory;
import dev.feed.hotcache.PostRef;
import dev.feed.problem.Problem;
import dev.feed.problem.ProblemException;
import dev.feed.publish.PublishService;
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
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

@Path("/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PostResource {
    static final int MAX_TEXT_CODE_POINTS = 500;
    static final int MAX_IDEMPOTENCY_KEY = 64;

    private final Caller caller;
    private final PublishService publisher;
    private final PostStore posts;
    private final PostHydrator hydrator;
    private final AuthorDirectory authors;

    public PostResource(Caller caller, PublishService publisher, PostStore posts, PostHydrator hydrator, AuthorDirectory authors) {
        this.caller = caller;
        this.publisher = publisher;
        this.posts = posts;
        this.hydrator = hydrator;
        this.authors = authors;
    }

    @POST
    @Path("/posts")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> publish(PublishRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        long authorId = caller.id();
        String text = validText(request);
        Optional<String> key = validKey(idempotencyKey);
        return publisher.publish(authorId, text, key)
                .chain(post -> authors.authors(List.of(post.authorId()))
                        .map(byId -> PostView.of(post, byId.getOrDefault(post.authorId(), Author.unknown(post.authorId())))))
                .map(view -> Response.created(URI.create("/v1/posts/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/posts/{id}")
    public Uni<PostView> get(@PathParam("id") String rawId) {
        long id = parseId(rawId, "post id");
        return hydrator.hydrate(List.of(id)).map(views -> {
            if (views.isEmpty()) {
                throw ProblemException.notFound("no post with id " + id);
            }
            return views.get(0);
        });
    }

    @DELETE
    @Path("/posts/{id}")
    public Uni<Response> delete(@PathParam("id") String rawId) {
        long id = parseId(rawId, "post id");
        return publisher.delete(caller.id(), id).map(v -> Response.noContent().build());
    }

    /** One author's posts, newest first, from Cassandra (the durable listing, never trimmed). */
    @GET
    @Path("/users/{id}/posts")
    public Uni<PostPage> byAuthor(@PathParam("id") String rawId, @QueryParam("limit") String rawLimit,
            @QueryParam("cursor") String rawCursor) {
        long authorId = parseId(rawId, "user id");
        int limit = Cursor.limit(rawLimit);
        Cursor cursor = Cursor.parse(rawCursor);
        return posts.byAuthor(authorId, cursor, limit + 1).chain(found -> {
            boolean more = found.size() > limit;
            List<Post> page = more ? found.subList(0, limit) : found;
            return authors.authors(List.of(authorId)).map(byId -> {
                Author author = byId.getOrDefault(authorId, Author.unknown(authorId));
                List<PostView> items = page.stream().map(p -> PostView.of(p, author)).toList();
                Post last = page.isEmpty() ? null : page.get(page.size() - 1);
                String next = more ? Cursor.after(new PostRef(last.id(), last.createdAtMillis())).toString() : null;
                return new PostPage(items, next);
            });
        });
    }

    @ServerExceptionMapper
    public Response rateLimited(PublishService.RateLimitedException e) {
        return Response.fromResponse(Problem.of(429, "rate-limited", "Too Many Requests",
                        "publish rate limit exceeded; retry after " + e.retryAfterSeconds() + " s").toResponse())
                .header("Retry-After", e.retryAfterSeconds()).build();
    }

    private static String validText(PublishRequest request) {
        if (request == null || request.text() == null) {
            throw ProblemException.badRequest("text: is required");
        }
        String text = request.text();
        if (text.isBlank()) {
            throw ProblemException.badRequest("text: must not be blank");
        }
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
        return Optional.of(key);
    }

    static long parseId(String raw, String what) {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest(what + " must be a positive 64-bit decimal number, got '" + raw + "'");
    }
}
