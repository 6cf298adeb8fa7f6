package dev.feed.post;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.feed.author.Author;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A Post as the API returns it: ids as decimal strings, createdAt ISO-8601 UTC with milliseconds. */
@Schema(name = "Post", description = "A published post with its author's profile.")
public record PostView(
        @Schema(required = true, type = SchemaType.STRING, pattern = "^[1-9][0-9]{0,18}$",
                description = "Snowflake id (64-bit, time-ordered) as a decimal string.", examples = "7401562718208000001")
        @JsonSerialize(using = ToStringSerializer.class) long id,
        @Schema(required = true)
        Author author,
        @Schema(required = true, description = "1 to 500 Unicode code points, not blank.", examples = "hello world")
        String text,
        @Schema(required = true, format = "date-time", pattern = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$",
                description = "ISO-8601 UTC with milliseconds.", examples = "2025-12-01T09:06:40.123Z")
        String createdAt,
        @Schema(description = "Only on a repost (whose text is empty): the original post. Never itself a repost.",
                implementation = PostView.class)
        @JsonInclude(JsonInclude.Include.NON_NULL)
        PostView repostOf) {
    public static PostView of(Post post, Author author) {
        return new PostView(post.id(), author, post.text(), format(post.createdAt()), null);
    }

    /** A repost with its original. */
    public static PostView repost(Post repost, Author reposter, PostView original) {
        return new PostView(repost.id(), reposter, repost.text(), format(repost.createdAt()), original);
    }

    public boolean isRepost() {
        return repostOf != null;
    }

    public static String format(Instant at) {
        return IsoMillis.format(at.toEpochMilli());
    }
}
