package dev.feed.fanout.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Takes one server of the running local stack away and brings it back, through {@code ./feed stop
 * NAME} and {@code ./feed start NAME} (the same ports the tests read from the environment). A test
 * that stops one must start it again in a finally block: the other tests of the module share it.
 */
public final class LocalStack {
    private static final Path FEED = Path.of("..", "feed").toAbsolutePath().normalize();

    private LocalStack() {
    }

    public static void stop(String name) {
        run("stop", name);
    }

    /** Starts it and returns once the stack script says it is ready. */
    public static void start(String name) {
        run("start", name);
    }

    private static void run(String action, String name) {
        if (!Files.isExecutable(FEED)) {
            throw new IllegalStateException("no feed script at " + FEED);
        }
        try {
            Process p = new ProcessBuilder("bash", FEED.toString(), action, name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("./feed " + action + " " + name + " did not finish in 10 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("./feed " + action + " " + name + " exited with " + p.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run ./feed " + action + " " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
