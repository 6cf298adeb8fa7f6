package dev.feed.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Restarts one service of the local stack with extra environment variables through
 * {@code ./feed restart} (by pid file, so nothing the stack did not start is touched), and knows
 * which services currently run with any (the stack records them in {@code run/<name>.env}).
 */
final class Services {
    private final Path feedScript;
    private final Path runDir;

    Services(Path root, Path local) {
        this.feedScript = root.resolve("feed");
        this.runDir = local.resolve("run");
    }

    /** Restarts {@code name} with {@code env} (KEY=VALUE; none = its defaults) and waits until it is ready. */
    void restart(String name, List<String> env) {
        List<String> command = new ArrayList<>(List.of(feedScript.toString(), "restart", name));
        command.addAll(env);
        long t0 = System.nanoTime();
        String out = Shell.run(command, Map.of());
        System.out.printf("    restarted %s%s in %.0f s%n", name, env.isEmpty() ? " on its defaults" : " with " + env,
                (System.nanoTime() - t0) / 1e9);
        if (out.contains("error:")) {
            throw new IllegalStateException("restart of " + name + " failed: " + out);
        }
    }

    /** The extra variables {@code name} runs with; empty when it runs on its defaults. */
    List<String> extraEnv(String name) {
        Path f = runDir.resolve(name + ".env");
        try {
            return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /**
     * The management interface of a service of the local stack (health, metrics, /internal/, /admin/):
     * FEED_{SERVICE,RELATION,WORKER}_MANAGEMENT_PORT, else its API port + 20, as ./feed derives it.
     */
    static String managementUrl(String name) {
        String prefix = switch (name) {
            case "feed-service" -> "FEED_SERVICE";
            case "relation-service" -> "FEED_RELATION";
            case "fanout-worker" -> "FEED_WORKER";
            default -> throw new IllegalArgumentException(name);
        };
        int apiDefault = switch (name) {
            case "feed-service" -> 8080;
            case "relation-service" -> 8081;
            default -> 8082;
        };
        String explicit = System.getenv(prefix + "_MANAGEMENT_PORT");
        if (explicit != null && !explicit.isBlank()) {
            return "http://127.0.0.1:" + explicit.strip();
        }
        String api = System.getenv(prefix + "_PORT");
        int apiPort = api == null || api.isBlank() ? apiDefault : Integer.parseInt(api.strip());
        return "http://127.0.0.1:" + (apiPort + 20);
    }

    /**
     * The services' X-Internal-Token: FEED_INTERNAL_TOKEN, else the one ./feed generated for the local
     * stack ({@code keys/internal-token}; production refuses a default token, so there is none).
     */
    static String internalToken(Path local) {
        String explicit = System.getenv("FEED_INTERNAL_TOKEN");
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip();
        }
        try {
            return Files.readString(local.resolve("keys").resolve("internal-token")).strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no FEED_INTERNAL_TOKEN and no " + local.resolve("keys/internal-token")
                    + ": run ./feed up first", e);
        }
    }

    /** Puts any service a previous (interrupted) bench left on other settings back on its defaults. */
    void ensureDefaults() {
        for (String name : List.of("relation-service", "feed-service", "fanout-worker")) {
            if (!extraEnv(name).isEmpty()) {
                System.out.println("    " + name + " runs with " + extraEnv(name) + " (left by an earlier run): back to its defaults");
                restart(name, List.of());
            }
        }
    }
}
