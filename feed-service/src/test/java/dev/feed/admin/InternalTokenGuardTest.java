package dev.feed.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.LaunchMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The startup check: production (any launch outside dev and test) has no default internal token. */
class InternalTokenGuardTest {
    @Test
    void production_withoutToken_refusesToStart() {
        assertThatThrownBy(() -> InternalTokenGuard.requireUsable(Optional.empty(), LaunchMode.NORMAL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FEED_INTERNAL_TOKEN is not set");
        assertThatThrownBy(() -> InternalTokenGuard.requireUsable(Optional.of("   "), LaunchMode.NORMAL))
                .hasMessageContaining("FEED_INTERNAL_TOKEN is not set");
    }

    @Test
    void production_withTheDevDefaultToken_refusesToStart() {
        assertThatThrownBy(() -> InternalTokenGuard.requireUsable(Optional.of("local-internal-token"), LaunchMode.NORMAL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dev profiles' default");
    }

    @Test
    void production_withAShortToken_refusesToStart() {
        assertThatThrownBy(() -> InternalTokenGuard.requireUsable(Optional.of("s3cret"), LaunchMode.NORMAL))
                .hasMessageContaining("at least 16");
    }

    @Test
    void production_withASecretToken_starts_devAndTestWithTheDefault() {
        assertThat(InternalTokenGuard.requireUsable(Optional.of("9f2c4e1a7b3d8c6e0f5a2b9d"), LaunchMode.NORMAL))
                .isEqualTo("9f2c4e1a7b3d8c6e0f5a2b9d");
        assertThat(InternalTokenGuard.requireUsable(Optional.of("local-internal-token"), LaunchMode.DEVELOPMENT)).isNotEmpty();
        assertThat(InternalTokenGuard.requireUsable(Optional.of("local-internal-token"), LaunchMode.TEST)).isNotEmpty();
    }
}
