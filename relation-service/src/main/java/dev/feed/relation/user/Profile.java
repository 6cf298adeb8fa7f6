package dev.feed.relation.user;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/** The public view of a user. Ids are decimal strings in JSON (64-bit ids overflow JS numbers). */
public record Profile(
        @JsonSerialize(using = ToStringSerializer.class) long id,
        String handle,
        String displayName,
        long followerCount,
        long followingCount,
        Instant createdAt) {

    static Profile of(User u) {
        return new Profile(u.id, u.handle, u.displayName, u.followerCount, u.followingCount,
                u.createdAt == null ? null : u.createdAt.toInstant());
    }
}
