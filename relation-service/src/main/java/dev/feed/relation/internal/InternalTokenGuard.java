package dev.feed.relation.internal;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * Refuses to start outside the dev and test profiles without a usable internal token: none, blank,
 * the dev profiles' well-known {@value #DEV_TOKEN}, or shorter than {@value #MIN_LENGTH} characters
 * would open {@code /internal/} to anyone who reads this repository or guesses. Failing the start
 * (an exception from a startup observer ends the process) is louder than a warning in a log.
 */
@ApplicationScoped
public class InternalTokenGuard {
    static final String DEV_TOKEN = "local-internal-token";
    static final int MIN_LENGTH = 16;

    // First of the startup observers: nothing else should start (connect, consume) on a refused token.
    void check(@Observes @Priority(1) StartupEvent started, InternalConfig config) {
        requireUsable(config.token(), LaunchMode.current());
    }

    /** The token, if this launch mode may run with it; otherwise an exception saying what to set. */
    static String requireUsable(Optional<String> token, LaunchMode mode) {
        String value = token.map(String::strip).orElse("");
        if (mode.isDevOrTest() && !value.isEmpty()) {
            return value;
        }
        if (value.isEmpty()) {
            throw new IllegalStateException("FEED_INTERNAL_TOKEN is not set: production needs the shared service token"
                    + " (e.g. openssl rand -hex 32, the same value for every service)");
        }
        if (value.equals(DEV_TOKEN)) {
            throw new IllegalStateException("FEED_INTERNAL_TOKEN is the dev profiles' default '" + DEV_TOKEN
                    + "': production needs a secret one (e.g. openssl rand -hex 32)");
        }
        if (value.length() < MIN_LENGTH) {
            throw new IllegalStateException("FEED_INTERNAL_TOKEN is " + value.length() + " characters long: production needs at least "
                    + MIN_LENGTH + " (e.g. openssl rand -hex 32)");
        }
        return value;
    }
}
