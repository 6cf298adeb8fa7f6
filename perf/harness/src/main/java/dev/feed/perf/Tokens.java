package dev.feed.perf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** RS256 tokens for many users, signed with the local stack's key (.local/keys), cached per user. */
public final class Tokens {
    /** The audience the services check (FEED_JWT_AUDIENCE). */
    private static final String AUDIENCE = System.getenv().getOrDefault("FEED_JWT_AUDIENCE", "feed");
    private final PrivateKey key;
    private final String issuer;
    private final Map<Long, String> cache = new ConcurrentHashMap<>();

    public Tokens(Path keyDir, String issuer) throws Exception {
        String body = Files.readString(keyDir.resolve("jwt-private.pem")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        this.issuer = issuer;
    }

    /**
     * Signs ahead, on all cores: an RSA signature costs about a millisecond, and signing on the
     * load generator's thread during a measured step would stall it (requests sent late, counted
     * as latency).
     */
    public void warm(java.util.Collection<Long> userIds) {
        userIds.parallelStream().forEach(this::forUser);
    }

    public String forUser(long userId) {
        return cache.computeIfAbsent(userId, this::sign);
    }

    private String sign(long userId) {
        try {
            long now = Instant.now().getEpochSecond();
            String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
            String claims = b64("{\"iss\":\"" + issuer + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + userId + "\",\"upn\":\"" + userId + "\",\"iat\":" + now
                    + ",\"exp\":" + (now + 86_400) + "}");
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
