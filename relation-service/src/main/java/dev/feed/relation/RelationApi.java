package dev.feed.relation;

import dev.feed.relation.problem.Problem;
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
 * and the error responses every resource shares, so each endpoint only spells out its own cases.
 * It is a JAX-RS {@link Application} because that is where MicroProfile OpenAPI looks for the
 * definition; it declares no path and no classes, so every resource is still served at the root.
 * The internal tag, scheme and 401 are declared for the internal resources' annotations and taken
 * out of the served document with their paths ({@link PublicDocument}).
 */
@OpenAPIDefinition(
        info = @Info(title = "relation-service", version = "1",
                description = "The social graph of the feed backend: profiles, follow edges, follower and following pages"
                        + " (public, user JWT)."
                        + " Every 64-bit id is a decimal string in JSON. Errors are application/problem+json (RFC 9457)."),
        tags = {
                @Tag(name = RelationApi.PROFILES, description = "Create, update and read user profiles."),
                @Tag(name = RelationApi.FOLLOWS, description = "Follow, unfollow, and keyset pages of followers and followees."),
                @Tag(name = RelationApi.SAFETY, description = "Blocks and mutes: whose posts leave the caller's home timeline."),
                @Tag(name = RelationApi.INTERNAL, description = "For feed-service and fanout-worker only: keep /internal/ off the"
                        + " public ingress. Service token, no user JWT.")
        },
        components = @Components(parameters = {
                @Parameter(name = RelationApi.LIMIT, in = ParameterIn.QUERY, description = "Page size.",
                        schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20")),
                @Parameter(name = RelationApi.CURSOR, in = ParameterIn.QUERY,
                        description = "The nextCursor of the previous page (the last user id it held); absent for the first page.",
                        schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9]{1,19}$"), example = "1002")
        }, responses = {
                @APIResponse(name = RelationApi.UNAUTHORIZED, responseCode = "401",
                        description = "The 'Authorization: Bearer <JWT>' header is missing, the token is invalid or expired,"
                                + " or its subject is not a user id.",
                        headers = @Header(name = "WWW-Authenticate", description = "Always 'Bearer'.",
                                schema = @Schema(type = SchemaType.STRING)),
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = RelationApi.INTERNAL_UNAUTHORIZED, responseCode = "401",
                        description = "The X-Internal-Token header is missing or wrong (a user JWT does not open these endpoints).",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = RelationApi.RATE_LIMITED, responseCode = "429",
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
                @APIResponse(name = RelationApi.TOO_LARGE, responseCode = "413",
                        description = "The request body is over quarkus.http.limits.max-body-size (64 KiB). A problem document"
                                + " when the body declared its Content-Length; a chunked body cut off in flight gets an empty 413.",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = RelationApi.UNSUPPORTED_MEDIA_TYPE, responseCode = "415",
                        description = "The request body is not sent as application/json (or no Content-Type was given).",
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                @APIResponse(name = RelationApi.UNAVAILABLE, responseCode = "503",
                        description = "PostgreSQL did not answer within its statement timeout (FEED_PG_STATEMENT_TIMEOUT), refused"
                                + " or lost the connection, or its breaker is open. Nothing was changed that the caller cannot"
                                + " repeat: every write here is idempotent. Retry after Retry-After seconds.",
                        headers = @Header(name = "Retry-After", description = "Seconds to wait before retrying.",
                                schema = @Schema(type = SchemaType.INTEGER)),
                        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
        }))
@SecurityScheme(securitySchemeName = RelationApi.JWT, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "An RS256 JWT whose 'sub' is the caller's user id (locally: ./feed token <userId>).")
@SecurityScheme(securitySchemeName = RelationApi.INTERNAL_TOKEN, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = "X-Internal-Token", description = "The shared service token (FEED_INTERNAL_TOKEN) of the /internal/ endpoints.")
public class RelationApi extends Application {
    public static final String PROFILES = "profiles";
    public static final String FOLLOWS = "follows";
    public static final String INTERNAL = "internal";
    public static final String SAFETY = "safety";

    public static final String LIMIT = "limit";
    public static final String CURSOR = "cursor";

    public static final String JWT = "jwt";
    public static final String INTERNAL_TOKEN = "internalToken";

    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String INTERNAL_UNAUTHORIZED = "InternalUnauthorized";
    public static final String TOO_LARGE = "PayloadTooLarge";
    public static final String RATE_LIMITED = "RateLimited";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    public static final String UNAVAILABLE = "Unavailable";
}
