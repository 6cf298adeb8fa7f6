package dev.feed.author;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The author block of a Post. Handle and display name are null if the author has no profile. */
@Schema(name = "Author", description = "The author of a post. Handle and display name are null while the author has no profile.")
public record Author(
        @Schema(required = true, type = SchemaType.STRING, pattern = "^[1-9][0-9]{0,18}$", description = "The user id as a decimal string.",
                examples = "1001")
        @JsonSerialize(using = ToStringSerializer.class) long id,
        @Schema(required = true, nullable = true, examples = "ada")
        String handle,
        @Schema(required = true, nullable = true, examples = "Ada Lovelace")
        String displayName) {
    public static Author unknown(long id) {
        return new Author(id, null, null);
    }
}
