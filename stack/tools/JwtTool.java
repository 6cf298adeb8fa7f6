import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The local stack's key pair and tokens, with nothing but the JDK (no openssl needed).
 *
 * <pre>
 * java JwtTool.java keygen DIR                 writes DIR/jwt-private.pem and DIR/jwt-public.pem once
 * java JwtTool.java token DIR USER_ID [TTL_S]  prints an RS256 JWT with sub=USER_ID (default TTL 24 h)
 * </pre>
 */
public class JwtTool {
    static final String ISSUER = System.getenv().getOrDefault("FEED_JWT_ISSUER", "https://feed.local");
    /** The services check it (mp.jwt.verify.audiences, FEED_JWT_AUDIENCE). */
    static final String AUDIENCE = System.getenv().getOrDefault("FEED_JWT_AUDIENCE", "feed");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "keygen" -> keygen(dir);
            case "token" -> {
                if (args.length < 3) {
                    usage();
                }
                long ttl = args.length > 3 ? Long.parseLong(args[3]) : 86_400;
                System.out.println(token(dir, args[2], ttl));
            }
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("usage: JwtTool keygen DIR | JwtTool token DIR USER_ID [TTL_SECONDS]");
        System.exit(2);
    }

    static void keygen(Path dir) throws Exception {
        Path priv = dir.resolve("jwt-private.pem");
        Path pub = dir.resolve("jwt-public.pem");
        if (Files.exists(priv) && Files.exists(pub)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        Files.writeString(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        priv.toFile().setReadable(false, false);
        priv.toFile().setReadable(true, true);
    }

    static String token(Path dir, String userId, long ttlSeconds) throws Exception {
        if (!userId.matches("[1-9][0-9]{0,18}")) {
            System.err.println("user id must be a positive decimal 64-bit number, got: " + userId);
            System.exit(2);
        }
        String body = Files.readString(dir.resolve("jwt-private.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + userId + "\",\"upn\":\"" + userId
                + "\",\"iat\":" + now + ",\"exp\":" + (now + ttlSeconds) + ",\"jti\":\"" + java.util.UUID.randomUUID() + "\"}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(key);
        sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64(sig.sign());
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
