package dev.feed.post;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of posts, newest first; {@code nextCursor} is null on the last page. */
@Schema(name = "PostPage", description = "One page of posts, newest first: (createdAt desc, id desc).")
public record PostPage(
        @Schema(required = true)
        List<PostView> items,
        @Schema(required = true, nullable = true, pattern = "^[0-9]+\\.[0-9]+$",
                description = "Pass as 'cursor' for the next page; null on the last page.", examples = "1764580000123.7401562718208000001")
        String nextCursor,
        @Schema(required = true, nullable = true, pattern = "^[0-9]+\\.[0-9]+$",
                description = "The position of the first (newest) item: pass as 'since' to load what is newer; null when the page is empty.",
                examples = "1764580000999.7401562722402304001")
        String prevCursor,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(nullable = true, description = "Present and true only when a dependency was down and the page was built"
                + " the degraded way: from the reader's last known followees (relation-service down), or from Cassandra"
                + " alone (Redis down). Absent on a normal page.")
        Boolean degraded) {

    /** A page whose prevCursor is its first item's position. */
    public PostPage(List<PostView> items, String nextCursor) {
        this(items, nextCursor, items.isEmpty() ? null : Cursor.of(items.get(0)).toString(), null);
    }

    public PostPage(List<PostView> items, String nextCursor, String prevCursor) {
        this(items, nextCursor, prevCursor, null);
    }

    /** This page, marked as served degraded. */
    public PostPage asDegraded() {
        return new PostPage(items, nextCursor, prevCursor, Boolean.TRUE);
    }
}
