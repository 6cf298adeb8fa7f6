import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP benchmarks of relation-service, JDK only (run with {@code java RelationBench.java ...}).
 *
 * <pre>
 * follow BASE_URL KEY_DIR USERS SECONDS THREADS
 *     makes USERS profiles (ids 9000000001..), then each thread loops PUT follow + DELETE follow
 *     of random pairs among them; prints requests/s and latency percentiles.
 * profile BASE_URL KEY_DIR SECONDS THREADS
 *     baseline: GET /v1/users/{id} of the profiles 'follow' made
 * pages BASE_URL INTERNAL_TOKEN AUTHOR_ID MAX_AFTER SECONDS THREADS LIMIT
 *     GET /internal/v1/authors/AUTHOR_ID/follower-ids?after=<random 0..MAX_AFTER>&limit=LIMIT
 * </pre>
 */
public class RelationBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "follow" -> follow(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "profile" -> profile(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "pages" -> pages(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            default -> throw new IllegalArgumentException("mode: follow | pages");
        }
    }

    static void follow(String base, Path keys, int users, int seconds, int threads) throws Exception {
        PrivateKey key = privateKey(keys);
        long first = 9_000_000_001L;
        String[] tokens = new String[users];
        for (int i = 0; i < users; i++) {
            tokens[i] = token(key, first + i);
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/v1/users/me"))
                    .header("Authorization", "Bearer " + tokens[i]).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"handle\":\"bench" + (first + i) + "\",\"displayName\":\"Bench " + i + "\"}")));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("profile " + (first + i) + ": " + r.statusCode() + " " + r.body());
            }
        }
        System.out.printf("follow+unfollow: %d users, %d threads, %ds warm-up + %ds%n", users, threads, Math.min(5, seconds), seconds);
        run(threads, Math.min(5, seconds), () -> followPair(base, tokens, first));
        Result r = run(threads, seconds, () -> followPair(base, tokens, first));
        r.print("follow+unfollow (each sample is one request)");
    }

    private static int followPair(String base, String[] tokens, long first) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int a = rnd.nextInt(tokens.length);
        int b = (a + 1 + rnd.nextInt(tokens.length - 1)) % tokens.length;
        URI uri = URI.create(base + "/v1/users/me/following/" + (first + b));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + tokens[a]);
        return send(rnd.nextBoolean() ? req.PUT(HttpRequest.BodyPublishers.noBody()) : req.DELETE()).statusCode();
    }

    /** Baseline for follow: the cheapest authenticated read (JWT check + one primary-key lookup through Hibernate). */
    static void profile(String base, Path keys, int seconds, int threads) throws Exception {
        String token = token(privateKey(keys), 9_000_000_001L);
        System.out.printf("GET /v1/users/{id}: %d threads, %ds warm-up + %ds%n", threads, Math.min(5, seconds), seconds);
        Task get = () -> send(HttpRequest.newBuilder(URI.create(base + "/v1/users/" + (9_000_000_001L + ThreadLocalRandom.current().nextInt(100))))
                .header("Authorization", "Bearer " + token).GET()).statusCode();
        run(threads, Math.min(5, seconds), get);
        run(threads, seconds, get).print("GET profile (baseline)");
    }

    static void pages(String base, String token, String author, long maxAfter, int seconds, int threads, int limit) throws Exception {
        System.out.printf("follower-ids pages: author %s, limit %d, %d threads, %ds warm-up + %ds%n", author, limit, threads, Math.min(5, seconds), seconds);
        Task page = () -> {
            long after = ThreadLocalRandom.current().nextLong(maxAfter + 1);
            return send(HttpRequest.newBuilder(URI.create(base + "/internal/v1/authors/" + author + "/follower-ids?limit=" + limit + "&after=" + after))
                    .header("X-Internal-Token", token).GET()).statusCode();
        };
        run(threads, Math.min(5, seconds), page);
        run(threads, seconds, page).print("follower-ids page of " + limit);
    }

    interface Task {
        int call() throws Exception;
    }

    record Result(long[] latenciesNanos, long errors, double seconds) {
        void print(String what) {
            long[] l = latenciesNanos;
            Arrays.sort(l);
            System.out.printf("%s: %d requests in %.1fs = %.0f req/s, errors %d; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
                    what, l.length, seconds, l.length / seconds, errors, pct(l, 50), pct(l, 90), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
        }

        private static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
        }
    }

    static Result run(int threads, int seconds, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<long[]>> futures = new ArrayList<>();
        long[] errors = new long[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    int status = task.call();
                    long dt = System.nanoTime() - t0;
                    if (status >= 300) {
                        errors[id]++;
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = dt;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            all.add(f.get());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
        return new Result(merged, Arrays.stream(errors).sum(), secs);
    }

    static HttpResponse<String> send(HttpRequest.Builder req) throws Exception {
        return HTTP.send(req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static PrivateKey privateKey(Path dir) throws Exception {
        String pem = Files.readString(dir.resolve("jwt-private.pem"));
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    /** The same RS256 token the stack's JwtTool makes (sub = user id, iss from FEED_JWT_ISSUER). */
    static String token(PrivateKey key, long userId) throws Exception {
        String issuer = System.getenv().getOrDefault("FEED_JWT_ISSUER", "https://feed.local");
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64(("{\"iss\":\"" + issuer + "\",\"aud\":\"" + System.getenv().getOrDefault("FEED_JWT_AUDIENCE", "feed") + "\",\"sub\":\"" + userId + "\",\"upn\":\"" + userId + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 86_400) + "}").getBytes(StandardCharsets.UTF_8));
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initSign(key);
        sig.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64(sig.sign());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
