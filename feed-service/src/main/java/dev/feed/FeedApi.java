package dev.feed;

import dev.feed.problem.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI document's frame (served at {@code /q/openapi}): info, tags, the two security schemes
 * and the parameters and error responses several endpoints share, so each endpoint only spells out
 * its own cases. It is a JAX-RS {@link Application} because that is where MicroProfile OpenAPI
 * looks for the definition; it declares no path and no classes, so every resource is still served
 * at the root. The admin tag, scheme and 401 are declared for the admin resources' annotations and
 * taken out of the served document with their paths ({@link PublicDocument}).
 */
@OpenAPIDefinition(
        info = @Info(title = "feed-service", version = "1",
                description = "Publish, delete and read posts, and the merged, newest-first home timeline of the feed backend."
                        + " Every 64-bit id is a decimal string in JSON; createdAt is ISO-8601 UTC with milliseconds."
                        + " Errors are application/problem+json (RFC 9457). Pages continue with the opaque 'nextCursor'."),
        tags = {
                @Tag(name = FeedApi.POSTS, description = "Publish, read and delete posts; one author's posts."),
                @Tag(name = FeedApi.TIMELINE, description = "The caller's home timeline."),
                @Tag(name = FeedApi.ADMIN, description = "For operators: the hot-author cache of the instance that answers."
                        + " Service token, no user JWT; keep /admin/ off the public ingress.")
        },
        components = @Components(parameters = {
                @Parameter(name = FeedApi.LIMIT, in = ParameterIn.QUERY, description = "Page size.",
                        schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20")),
                @Parameter(name = FeedApi.CURSOR, in = ParameterIn.QUERY,
                        description = "The nextCursor of the previous page, '<createdAtEpochMillis>.<postId>' of its last item;"
                                + " the page holds what is strictly older. Absent for the first page.",
                        schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9]+\\.[0-9]+$"),
                        example = "1764580000123.7401562718208000001"),
                @Parameter(name = FeedApi.SINCE, in = ParameterIn.QUERY,
                        description = "A position '<createdAtEpochMillis>.<postId>' (a page's prevCursor): the page holds the"
                                + " items closest above it, strictly newer, newest first. Not together with cursor.",
                        schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9]+\\.[0-9]+$"),
                        example = "1764580000999.7401562722402304001")
        }, responses = {
                @APIResponse(name = FeedApi.UNAUTHORIZED, responseCode = "401",
                        description = "The 'Authorization: Bearer <JWT>' header is missing, the token is invalid or expired,"
                                + " or its subject is not a user id.",
                        headers = @Header(name = "WWW-Authenticate", description = "Always 'Bearer'.",
                                schema = @Schema(type = SchemaType.STRING)),
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = FeedApi.INTERNAL_UNAUTHORIZED, responseCode = "401",
                        description = "The X-Internal-Token header is missing or wrong (a user JWT does not open these endpoints).",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = FeedApi.RATE_LIMITED, responseCode = "429",
                        description = "Over the rate limit of this endpoint family, for the caller or for the client address"
                                + " (README \"Rate limits\"). Retry after Retry-After seconds.",
                        headers = {
                                @Header(name = "Retry-After", description = "Seconds until the bucket holds a request again.",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                @Header(name = "X-RateLimit-Limit", description = "The bucket's size: requests allowed in a full period.",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                @Header(name = "X-RateLimit-Remaining", description = "0: the bucket that refused is empty.",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                @Header(name = "X-RateLimit-Reset", description = "When that bucket is full again, in Unix epoch seconds.",
                                        schema = @Schema(type = SchemaType.INTEGER))},
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = FeedApi.URI_TOO_LONG, responseCode = "414",
                        description = "The request target (path and query) is over FEED_HTTP_MAX_URI_LENGTH (4096 characters by default);"
                                + " refused before any endpoint runs.",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = FeedApi.HEADERS_TOO_LARGE, responseCode = "431",
                        description = "The request headers are over FEED_HTTP_MAX_HEADER_BYTES (16 KiB in all by default);"
                                + " refused before any endpoint runs.",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = FeedApi.UNAVAILABLE, responseCode = "503",
                        description = "A backing service is overloaded or unreachable, typically relation-service (asked for"
                                + " followees and author profiles) with its connection pool full. Retry after Retry-After"
                                + " seconds; a publish retried with the same Idempotency-Key never makes a second post.",
                        headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying.",
                                schema = @Schema(type = SchemaType.INTEGER)),
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
        }))
@SecurityScheme(securitySchemeName = FeedApi.JWT, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "An RS256 JWT whose 'sub' is the caller's user id (locally: ./feed token <userId>).")
@SecurityScheme(securitySchemeName = FeedApi.INTERNAL_TOKEN, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-Internal-Token", description = "The shared service token (FEED_INTERNAL_TOKEN) of the /admin/ endpoints.")
public class FeedApi extends Application {
    public static final String POSTS = "posts";
    public static final String TIMELINE = "timeline";
    public static final String ADMIN = "admin";

    public static final String LIMIT = "limit";
    public static final String CURSOR = "cursor";
    public static final String SINCE = "since";

    public static final String JWT = "jwt";
    public static final String INTERNAL_TOKEN = "internalToken";

    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String INTERNAL_UNAUTHORIZED = "InternalUnauthorized";
    public static final String UNAVAILABLE = "Unavailable";
    public static final String RATE_LIMITED = "RateLimited";
    /** Shared answers of every operation, added to each by {@link PublicDocument}. */
    public static final String URI_TOO_LONG = "UriTooLong";
    public static final String HEADERS_TOO_LARGE = "HeadersTooLarge";
}
