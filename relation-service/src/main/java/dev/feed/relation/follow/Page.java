package dev.feed.relation.follow;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of users; {@code nextCursor} is null on the last page. */
@Schema(name = "UserPage", description = "One keyset page of users in ascending id order.")
public record Page(
        @Schema(required = true)
        List<UserSummary> items,
        @Schema(required = true, nullable = true, description = "Pass as 'cursor' for the next page; null on the last page.",
                examples = "1002")
        String nextCursor) {
}
