package dev.feed.sync;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code PUT /v1/timeline/marker}. */
@Schema(name = "TimelineMarkerUpdate")
public record MarkerRequest(
        @Schema(required = true, pattern = "^[0-9]+\\.[0-9]+$", description = "A timeline position: an item's prevCursor/nextCursor"
                + " form '<createdAtEpochMillis>.<postId>'.", examples = "1764580000999.7401562722402304001")
        String position) {
}
