package dev.feed.relation.user;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT /v1/users/me}. */
public record ProfileRequest(
        @NotNull(message = "is required")
        @Pattern(regexp = "[a-z0-9_]{3,30}", message = "must be 3 to 30 of [a-z0-9_]")
        String handle,
        @NotBlank(message = "is required and must not be blank")
        @Size(max = 100, message = "must be at most 100 characters")
        String displayName) {
}
