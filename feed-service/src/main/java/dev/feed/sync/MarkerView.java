package dev.feed.sync;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The read marker as the API shows it. */
@Schema(name = "TimelineMarker", description = "Where the reader stopped, shared by all their devices.")
public record MarkerView(
        @Schema(required = true, nullable = true, pattern = "^[0-9]+\\.[0-9]+$",
                description = "The stored position '<createdAtEpochMillis>.<postId>'; null when no marker was set.",
                examples = "1764580000999.7401562722402304001")
        String position,
        @Schema(required = true, minimum = "0", maximum = "1000",
                description = "Home-timeline items strictly newer than the position, counted up to 1000; 0 without a marker.")
        int unreadCount,
        @Schema(required = true, nullable = true, format = "date-time", description = "When the position last moved; null without a marker.")
        String updatedAt) {
}
