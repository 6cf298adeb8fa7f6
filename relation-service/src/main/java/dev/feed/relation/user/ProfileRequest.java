package dev.feed.relation.user;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code PUT /v1/users/me}. */
@Schema(name = "ProfileRequest", description = "The caller's profile as it should be after the request.")
public record ProfileRequest(
        @Schema(required = true, description = "Unique across users.", examples = "ada")
        @NotNull(message = "is required")
        @Pattern(regexp = "[a-z0-9_]{3,30}", message = "must be 3 to 30 of [a-z0-9_]")
        String handle,
        @Schema(required = true, description = "Not blank; stored without leading and trailing spaces.", examples = "Ada Lovelace")
        @NotBlank(message = "is required and must not be blank")
        @Size(max = 100, message = "must be at most 100 characters")
        String displayName) {
}
