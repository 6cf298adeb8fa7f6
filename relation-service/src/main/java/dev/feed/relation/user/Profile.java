package dev.feed.relation.user;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The public view of a user. Ids are decimal strings in JSON (64-bit ids overflow JS numbers). */
@Schema(name = "Profile", description = "A user's public profile with exact follow counts.")
public record Profile(
        @Schema(required = true, type = SchemaType.STRING, pattern = Ids.PATTERN,
                description = "The user id (64-bit, as a decimal string).", examples = "1001")
        @JsonSerialize(using = ToStringSerializer.class) long id,
        @Schema(required = true, pattern = "^[a-z0-9_]{3,30}$", examples = "ada")
        String handle,
        @Schema(required = true, examples = "Ada Lovelace")
        String displayName,
        @Schema(required = true, examples = "1815")
        long followerCount,
        @Schema(required = true, examples = "42")
        long followingCount,
        @Schema(required = true, description = "When the profile was first created, ISO-8601 UTC.", examples = "2025-03-01T09:30:00.123Z")
        Instant createdAt) {

    static Profile of(User u) {
        return new Profile(u.id, u.handle, u.displayName, u.followerCount, u.followingCount,
                u.createdAt == null ? null : u.createdAt.toInstant());
    }
}
