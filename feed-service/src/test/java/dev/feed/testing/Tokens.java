package dev.feed.testing;

import io.smallrye.jwt.build.Jwt;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh user ids and tokens signed with the test key, so tests never collide. */
public final class Tokens {
    private Tokens() {
    }

    public static long newUserId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE);
    }

    public static String token(long userId) {
        return Jwt.issuer("https://feed.local").subject(Long.toString(userId)).upn(Long.toString(userId)).sign();
    }
}
