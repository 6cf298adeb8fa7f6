package dev.feed.relation.follow;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/** A user in follower and following pages. */
public record UserSummary(@JsonSerialize(using = ToStringSerializer.class) long id, String handle, String displayName) {
}
