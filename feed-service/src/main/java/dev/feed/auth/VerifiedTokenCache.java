package dev.feed.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer-token verification with a memory of tokens already verified on this instance. A reader
 * scrolling sends the same token with every page, and an RS256 check plus the claims parse cost
 * about a fifth of a timeline read's CPU here (JFR, issue 5 note).
 *
 * <p>Why it is safe: the key is the whole token, signature included, so a hit means these exact
 * bytes passed full verification before. An entry lives until the token's {@code exp} (never
 * later) and at most {@link AuthConfig#tokenCacheMaxAge()}, which bounds how long a token signed
 * by a key that has since been rotated out keeps working. Failures are never remembered: a bad
 * token costs a full check every time, as before.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {
    private final JWTParser delegate;
    private final Cache<String, JsonWebToken> verified;
    private final boolean enabled;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public VerifiedTokenCache(DefaultJWTParser delegate, AuthConfig config, MeterRegistry metrics) {
        this(delegate, config, metrics, Ticker.systemTicker(), System::currentTimeMillis);
    }

    /** The wall clock converts {@code exp} (epoch seconds) into a lifetime on the ticker. */
    VerifiedTokenCache(JWTParser delegate, AuthConfig config, MeterRegistry metrics, Ticker ticker, WallClock wallClock) {
        this.delegate = delegate;
        this.enabled = config.tokenCacheSize() > 0;
        long maxAgeNanos = config.tokenCacheMaxAge().toNanos();
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.tokenCacheSize())
                .ticker(ticker)
                .executor(Runnable::run) // evict on the caller: no pool thread for a few map operations
                .expireAfter(new UntilExpiry(maxAgeNanos, wallClock))
                .build();
        this.hits = metrics.counter("feed_auth_token_cache_hits_total");
        this.misses = metrics.counter("feed_auth_token_cache_misses_total");
    }

    interface WallClock {
        long millis();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (!enabled) {
            return delegate.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            hits.increment();
            return known;
        }
        misses.increment();
        JsonWebToken fresh = delegate.parse(token);
        verified.put(token, fresh);
        return fresh;
    }

    // Explicit keys or contexts are one-off checks by other callers: never cached.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }

    /** Lives until the token's exp, capped at the max age; a token without exp gets the max age. */
    private record UntilExpiry(long maxAgeNanos, WallClock wallClock) implements Expiry<String, JsonWebToken> {
        @Override
        public long expireAfterCreate(String token, JsonWebToken jwt, long currentTime) {
            long exp = jwt.getExpirationTime();
            if (exp <= 0) {
                return maxAgeNanos;
            }
            long untilExp = TimeUnit.MILLISECONDS.toNanos(TimeUnit.SECONDS.toMillis(exp) - wallClock.millis());
            return Math.max(0, Math.min(maxAgeNanos, untilExp));
        }

        @Override
        public long expireAfterUpdate(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
            return currentDuration;
        }

        @Override
        public long expireAfterRead(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
