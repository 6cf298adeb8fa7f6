package dev.feed.post;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.feed.author.Author;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** A Post as the API returns it: ids as decimal strings, createdAt ISO-8601 UTC with milliseconds. */
public record PostView(@JsonSerialize(using = ToStringSerializer.class) long id, Author author, String text, String createdAt) {
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static PostView of(Post post, Author author) {
        return new PostView(post.id(), author, post.text(), format(post.createdAt()));
    }

    public static String format(Instant at) {
        return ISO_MILLIS.format(at);
    }
}
