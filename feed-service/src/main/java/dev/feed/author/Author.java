package dev.feed.author;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/** The author block of a Post. Handle and display name are null if the author has no profile. */
public record Author(@JsonSerialize(using = ToStringSerializer.class) long id, String handle, String displayName) {
    public static Author unknown(long id) {
        return new Author(id, null, null);
    }
}
