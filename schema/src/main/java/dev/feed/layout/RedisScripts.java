package dev.feed.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts both writers of a key run (sources under resources/dev/feed/layout, read once
 * when this class loads), so fanout-worker, feed-service and the tests send the same text.
 */
public final class RedisScripts {
    /** Push into sets that exist, trimmed to the cap; returns {@code {present, added}} (see the .lua file). */
    public static final String PUSH_IF_PRESENT = load("push-if-present.lua");
    /** Merge entries into a live inbox and move its floor, or drop it (see the .lua file). */
    public static final String MERGE_IF_ACTIVE = load("merge-if-active.lua");

    private RedisScripts() {
    }

    static String load(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
