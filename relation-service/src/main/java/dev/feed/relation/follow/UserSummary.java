package dev.feed.relation.follow;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.feed.relation.user.Ids;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A user in follower and following pages. */
@Schema(name = "UserSummary")
public record UserSummary(
        @Schema(required = true, type = SchemaType.STRING, pattern = Ids.PATTERN, examples = "1002")
        @JsonSerialize(using = ToStringSerializer.class) long id,
        @Schema(required = true, examples = "grace")
        String handle,
        @Schema(required = true, examples = "Grace Hopper")
        String displayName) {
}
