package dev.feed.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {
    private static final long START_MILLIS = 1_790_000_000_000L;

    /** One clock for both the cache's ticker (nanos) and the wall clock that exp is compared with. */
    private final AtomicLong nanos = new AtomicLong();
    private final Map<String, Long> expiryByToken = new HashMap<>();
    private final Map<String, Integer> verifications = new HashMap<>();

    private VerifiedTokenCache cache(long size, Duration maxAge) {
        AuthConfig config = new AuthConfig() {
            @Override
            public long tokenCacheSize() {
                return size;
            }

            @Override
            public Duration tokenCacheMaxAge() {
                return maxAge;
            }
        };
        return new VerifiedTokenCache(fakeParser(), config, new SimpleMeterRegistry(), nanos::get,
                () -> START_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos.get()));
    }

    /** Verifies a token by looking it up: known tokens pass until their exp, others fail. */
    private JWTParser fakeParser() {
        return (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JWTParser.class}, (proxy, method, args) -> {
            if (!method.getName().equals("parse") || args.length != 1) {
                throw new UnsupportedOperationException(method.getName());
            }
            String token = (String) args[0];
            verifications.merge(token, 1, Integer::sum);
            Long exp = expiryByToken.get(token);
            long nowSeconds = TimeUnit.MILLISECONDS.toSeconds(START_MILLIS) + TimeUnit.NANOSECONDS.toSeconds(nanos.get());
            if (exp == null || exp <= nowSeconds) {
                throw new ParseException("bad or expired token");
            }
            return jwt(token, exp);
        });
    }

    private static JsonWebToken jwt(String token, long exp) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return token;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("exp");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claim) {
                return "exp".equals(claim) ? (T) Long.valueOf(exp) : null;
            }
        };
    }

    private long secondsFromStart(long seconds) {
        return TimeUnit.MILLISECONDS.toSeconds(START_MILLIS) + seconds;
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void parse_sameTokenTwice_verifiesOnce() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        expiryByToken.put("a", secondsFromStart(3600));

        JsonWebToken first = cache.parse("a");
        JsonWebToken second = cache.parse("a");

        assertThat(second).isSameAs(first);
        assertThat(verifications.get("a")).isEqualTo(1);
    }

    @Test
    void parse_afterTokenExpiry_verifiesAgainAndRejects() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        expiryByToken.put("short", secondsFromStart(60));
        cache.parse("short");

        advance(Duration.ofSeconds(61));

        assertThatThrownBy(() -> cache.parse("short")).isInstanceOf(ParseException.class);
        assertThat(verifications.get("short")).isEqualTo(2);
    }

    @Test
    void parse_afterMaxAge_verifiesAgainEvenIfTokenStillValid() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        expiryByToken.put("long", secondsFromStart(86_400));
        cache.parse("long");

        advance(Duration.ofMinutes(5).plusSeconds(1));
        cache.parse("long");

        assertThat(verifications.get("long")).isEqualTo(2);
    }

    @Test
    void parse_failedVerification_isNotRemembered() {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));

        assertThatThrownBy(() -> cache.parse("forged")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> cache.parse("forged")).isInstanceOf(ParseException.class);

        assertThat(verifications.get("forged")).isEqualTo(2);
    }

    @Test
    void parse_differentSignatureOfSameClaims_isVerifiedSeparately() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        expiryByToken.put("header.claims.sig1", secondsFromStart(3600));
        cache.parse("header.claims.sig1");

        assertThatThrownBy(() -> cache.parse("header.claims.sig2")).isInstanceOf(ParseException.class);
    }

    @Test
    void parse_withCacheSizeZero_verifiesEveryTime() throws Exception {
        VerifiedTokenCache cache = cache(0, Duration.ofMinutes(5));
        expiryByToken.put("a", secondsFromStart(3600));

        cache.parse("a");
        cache.parse("a");

        assertThat(verifications.get("a")).isEqualTo(2);
    }

    @Test
    void defaultParser_isTheDelegateTypeInjected() {
        // The CDI constructor takes the concrete DefaultJWTParser: an interface-typed injection
        // point would resolve to this alternative itself.
        assertThat(VerifiedTokenCache.class.getConstructors()[0].getParameterTypes()[0]).isEqualTo(DefaultJWTParser.class);
    }
}
