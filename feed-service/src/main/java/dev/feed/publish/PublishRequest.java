package dev.feed.publish;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /v1/posts}. Validated in the resource (code points, not chars). */
@Schema(name = "PublishRequest")
public record PublishRequest(
        // maxLength in JSON Schema counts code points too, so 500 here is the same limit the resource applies.
        @Schema(required = true, minLength = 1, maxLength = PostResource.MAX_TEXT_CODE_POINTS, pattern = "\\S",
                description = "1 to 500 Unicode code points, not blank.", examples = "hello world")
        String text) {
}
