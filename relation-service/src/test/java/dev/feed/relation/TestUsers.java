package dev.feed.relation;

import io.smallrye.jwt.build.Jwt;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh ids, handles and tokens so tests never collide with each other or with earlier runs. */
public final class TestUsers {
    private TestUsers() {
    }

    public static long newId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    public static String newHandle() {
        return "u" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }

    public static String token(long userId) {
        return Jwt.issuer("https://feed.local").subject(Long.toString(userId)).upn(Long.toString(userId)).sign();
    }
}
