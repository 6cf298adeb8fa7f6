package dev.feed.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem document, the body of every 4xx and 5xx answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "An RFC 9457 problem document (application/problem+json).")
public record Problem(
        @Schema(required = true, description = "Identifies the kind of problem.", examples = "https://feed.dev/problems/bad-request")
        String type,
        @Schema(required = true, description = "Short summary of the kind of problem.", examples = "Bad request")
        String title,
        @Schema(required = true, description = "The HTTP status code.", examples = "400")
        int status,
        @Schema(description = "What was wrong with this request, naming the field or parameter.",
                examples = "text: must be at most 500 characters (Unicode code points), got 512")
        String detail,
        @Schema(description = "Not set by this service.")
        String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);
    private static final String TYPE_BASE = "https://feed.dev/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA).entity(this).build();
    }
}
