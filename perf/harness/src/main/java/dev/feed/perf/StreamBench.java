package dev.feed.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Flow;
import org.HdrHistogram.Histogram;

/**
 * Figures of the live timeline stream and of conditional refreshes (issue 16), against the
 * running local stack ({@code ./feed up}); {@code perf/stream/run.sh} runs it, perf/stream/README.md
 * has the command and the results. Prints:
 * <ol>
 * <li>publish-to-stream-event latency p50/p99 for readers of a push-tier and of a pull-tier author
 * (the post is sent by {@code POST /v1/posts}; latency = the event's arrival at each reader's open
 * stream minus the moment the publish was sent), with the events that never came;</li>
 * <li>open streams one feed-service instance holds, and its heap per stream (after a full GC,
 * {@code jcmd GC.run}; baseline = the same instance with none of these streams open);</li>
 * <li>{@code GET /v1/timeline} answered 304 (If-None-Match, nothing changed) against full pages
 * (no If-None-Match), requests per second in a closed loop of the same readers, same run.</li>
 * </ol>
 * relation-service is restarted with a low tier threshold for the run (so the pull-tier author
 * needs only a few hundred followers) and put back on its defaults at the end.
 */
public final class StreamBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String feed;
    private final String relation;
    /** The management interfaces: feed-service's metrics, relation-service's /internal/. */
    private final String feedManagement;
    private final String relationManagement;
    private final String internalToken;
    private final Tokens tokens;
    private final Path local;

    private StreamBench(String feed, String relation, Tokens tokens, Path local) {
        this.feed = feed;
        this.relation = relation;
        this.feedManagement = Services.managementUrl("feed-service");
        this.relationManagement = Services.managementUrl("relation-service");
        this.internalToken = Services.internalToken(local);
        this.tokens = tokens;
        this.local = local;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("FEED_ROOT", ".")).toAbsolutePath();
        Path local = Path.of(System.getenv().getOrDefault("FEED_LOCAL", root.resolve(".local").toString()));
        int readers = Integer.parseInt(System.getenv().getOrDefault("FEED_BENCH_STREAM_READERS", "200"));
        int pushReaders = Integer.parseInt(System.getenv().getOrDefault("FEED_BENCH_STREAM_PUSH_READERS", "50"));
        int posts = Integer.parseInt(System.getenv().getOrDefault("FEED_BENCH_STREAM_POSTS", "40"));
        int held = Integer.parseInt(System.getenv().getOrDefault("FEED_BENCH_STREAMS", "2000"));
        StreamBench b = new StreamBench("http://127.0.0.1:" + System.getenv().getOrDefault("FEED_SERVICE_PORT", "8080"),
                "http://127.0.0.1:" + System.getenv().getOrDefault("FEED_RELATION_PORT", "8081"),
                new Tokens(local.resolve("keys"), "https://feed.local"), local);
        Services services = new Services(root, local);
        System.out.printf("stream bench: %d readers (%d of them also follow the push-tier author), %d posts, %d held streams%n",
                readers, pushReaders, posts, held);
        System.out.printf("machine: %d cores, load average at start %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
        services.restart("relation-service", List.of("FEED_TIER_PULL_AT=" + (readers / 2), "FEED_TIER_PUSH_BELOW=" + (readers / 2 - 10)));
        try {
            b.run(readers, pushReaders, posts, held);
        } finally {
            services.restart("relation-service", List.of());
        }
        System.out.printf("load average at end %s%n", loadAverage());
    }

    private void run(int readerCount, int pushReaders, int posts, int held) throws Exception {
        long base = ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 2_000_000_000_000L);
        long pushAuthor = base;
        long pullAuthor = base + 1;
        List<Long> readers = new ArrayList<>();
        for (int i = 0; i < readerCount; i++) {
            readers.add(base + 10 + i);
        }
        List<Long> all = new ArrayList<>(readers);
        all.add(pushAuthor);
        all.add(pullAuthor);
        tokens.warm(all);
        parallel(all, u -> profile(u));
        parallel(readers, r -> follow(r, pullAuthor));
        parallel(readers.subList(0, pushReaders), r -> follow(r, pushAuthor));
        send("POST", relationManagement + "/internal/v1/tiers/reevaluate?hysteresis=false", null, null, true, internalToken);
        JsonNode lists = JSON.readTree(send("GET", relationManagement + "/internal/v1/users/" + readers.get(0) + "/followees", null, null, true, internalToken));
        System.out.printf("tiers as reader %d sees them: push %s, pull %s (push author %d, pull author %d)%n", readers.get(0),
                lists.path("push"), lists.path("pull"), pushAuthor, pullAuthor);
        Thread.sleep(5_000); // feed-service drops its followee lists on the relation events (tier changes: all of them)
        parallel(readers, r -> send("GET", feed + "/v1/timeline?limit=20", tokens.forUser(r), null, false)); // activates inboxes

        latency(readers, pushReaders, pushAuthor, pullAuthor, posts);
        capacity(held, pushAuthor, pullAuthor);
        conditional(readers);
    }

    // ---- 1. publish to stream event ----

    private void latency(List<Long> readers, int pushReaders, long pushAuthor, long pullAuthor, int posts) throws Exception {
        Map<Long, Map<Long, Long>> arrivals = new ConcurrentHashMap<>(); // postId -> reader -> nanos
        List<Stream> streams = new ArrayList<>();
        double openBefore = metric("feed_stream_open");
        for (long r : readers) {
            streams.add(open(r, (postId, at) -> arrivals.computeIfAbsent(postId, k -> new ConcurrentHashMap<>()).putIfAbsent(r, at)));
        }
        // every stream registered on the instance before the first post (else its replay, not the live path, is timed)
        pollUntil(() -> metric("feed_stream_open") - openBefore >= readers.size(), Duration.ofSeconds(60));
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Boolean> byPush = new ConcurrentHashMap<>();
        Histogram publishRoundTrip = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < posts; i++) {
            long author = i % 2 == 0 ? pushAuthor : pullAuthor;
            long t0 = System.nanoTime();
            JsonNode post = JSON.readTree(send("POST", feed + "/v1/posts", tokens.forUser(author), "{\"text\":\"stream bench " + i + "\"}", true));
            publishRoundTrip.recordValue(System.nanoTime() - t0);
            long id = post.path("id").asLong();
            sentAt.put(id, t0);
            byPush.put(id, author == pushAuthor);
            Thread.sleep(250); // the pace of publishing, not a wait
        }
        long pushPosts = byPush.values().stream().filter(b -> b).count();
        long expected = pushPosts * pushReaders + (sentAt.size() - pushPosts) * readers.size();
        pollUntil(() -> arrivals.values().stream().mapToLong(Map::size).sum() >= expected, Duration.ofSeconds(30));
        streams.forEach(Stream::close);
        Histogram push = new Histogram(60_000_000_000L, 3);
        Histogram pull = new Histogram(60_000_000_000L, 3);
        long missingPush = 0;
        long missingPull = 0;
        for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            boolean isPush = byPush.get(e.getKey());
            Map<Long, Long> got = arrivals.getOrDefault(e.getKey(), Map.of());
            List<Long> audience = isPush ? readers.subList(0, pushReaders) : readers;
            for (long r : audience) {
                Long at = got.get(r);
                if (at == null) {
                    if (isPush) {
                        missingPush++;
                    } else {
                        missingPull++;
                    }
                } else {
                    (isPush ? push : pull).recordValue(Math.max(0, at - e.getValue()));
                }
            }
        }
        System.out.printf("publish -> stream event, reader of a push-tier author: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d events, %d missing)%n",
                ms(push.getValueAtPercentile(50)), ms(push.getValueAtPercentile(99)), ms(push.getMaxValue()), push.getTotalCount(), missingPush);
        System.out.printf("publish -> stream event, reader of a pull-tier author: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d events, %d missing)%n",
                ms(pull.getValueAtPercentile(50)), ms(pull.getValueAtPercentile(99)), ms(pull.getMaxValue()), pull.getTotalCount(), missingPull);
        System.out.printf("baseline, the publish's own round trip (POST /v1/posts until its 201): p50 %.1f ms, p99 %.1f ms (%d)%n",
                ms(publishRoundTrip.getValueAtPercentile(50)), ms(publishRoundTrip.getValueAtPercentile(99)), publishRoundTrip.getTotalCount());
    }

    // ---- 2. streams held, heap per stream ----

    private void capacity(int held, long pushAuthor, long pullAuthor) throws Exception {
        long base = ThreadLocalRandom.current().nextLong(3_000_000_000_000L, 4_000_000_000_000L);
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            users.add(base + i);
        }
        tokens.warm(users);
        parallel(users, u -> {
            profile(u);
            follow(u, pushAuthor);
            follow(u, pullAuthor);
        });
        double openBefore = metric("feed_stream_open");
        long heapBefore = heapAfterGc();
        long rssBefore = rss();
        List<Stream> streams = new ArrayList<>();
        for (long u : users) {
            streams.add(open(u, (p, t) -> { }));
        }
        pollUntil(() -> metric("feed_stream_open") - openBefore >= held, Duration.ofSeconds(120));
        double open = metric("feed_stream_open") - openBefore;
        long heapAfter = heapAfterGc();
        long rssAfter = rss();
        long refused = streams.stream().filter(s -> s.status() != 200).count();
        System.out.printf("streams held by one feed-service instance: %.0f of %d opened (%d refused); heap %.1f MB -> %.1f MB after full GC:"
                        + " %.1f KB per stream (followees: 2 each); process RSS %.0f MB -> %.0f MB%n",
                open, held, refused, heapBefore / 1e6, heapAfter / 1e6, (heapAfter - heapBefore) / Math.max(1, open) / 1e3,
                rssBefore / 1e6, rssAfter / 1e6);
        streams.forEach(Stream::close);
    }

    // ---- 3. 304 against full pages ----

    private void conditional(List<Long> readers) throws Exception {
        Map<Long, String> etags = new ConcurrentHashMap<>();
        parallel(readers, r -> {
            HttpResponse<String> res = exchange(HttpRequest.newBuilder(URI.create(feed + "/v1/timeline?limit=20"))
                    .header("Authorization", "Bearer " + tokens.forUser(r)).GET().build());
            etags.put(r, res.headers().firstValue("ETag").orElseThrow());
        });
        double full = closedLoop(readers, null, 200);
        double notModified = closedLoop(readers, etags, 304);
        double full2 = closedLoop(readers, null, 200);
        System.out.printf("GET /v1/timeline?limit=20, 16 in flight, 10 s each: full pages %.0f/s (again after: %.0f/s), 304 Not Modified %.0f/s"
                + " (%.1fx the full-page rate)%n", full, full2, notModified, notModified / ((full + full2) / 2));
    }

    private double closedLoop(List<Long> readers, Map<Long, String> etags, int expect) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        AtomicLong done = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        for (int w = 0; w < 16; w++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    long r = readers.get(ThreadLocalRandom.current().nextInt(readers.size()));
                    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(feed + "/v1/timeline?limit=20"))
                            .header("Authorization", "Bearer " + tokens.forUser(r)).GET();
                    if (etags != null) {
                        req.header("If-None-Match", etags.get(r));
                    }
                    if (exchange(req.build()).statusCode() != expect) {
                        unexpected.incrementAndGet();
                    }
                    done.incrementAndGet();
                }
            }, pool));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        if (unexpected.get() > 0) {
            System.out.printf("    (%d answers were not %d)%n", unexpected.get(), expect);
        }
        return done.get() / 10.0;
    }

    // ---- streams ----

    interface Arrival {
        void post(long postId, long atNanos);
    }

    /** One open stream read line by line without a thread of its own. */
    final class Stream {
        private final CompletableFuture<HttpResponse<Void>> response;
        private volatile Flow.Subscription subscription;

        Stream(long user, Arrival arrival) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(feed + "/v1/timeline/stream"))
                    .header("Authorization", "Bearer " + tokens.forUser(user)).header("Accept", "text/event-stream").GET().build();
            this.response = http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    if (line.startsWith("id:")) {
                        String id = line.substring(3).trim();
                        arrival.post(Long.parseLong(id.substring(id.indexOf('.') + 1)), System.nanoTime());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            }));
        }

        int status() {
            try {
                return response.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        void close() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            response.cancel(true);
        }
    }

    private Stream open(long user, Arrival arrival) {
        return new Stream(user, arrival);
    }

    // ---- helpers ----

    private void profile(long user) {
        String handle = "sb" + Long.toString(user, 36);
        send("PUT", relation + "/v1/users/me", tokens.forUser(user), "{\"handle\":\"" + handle + "\",\"displayName\":\"Stream bench\"}", true);
    }

    private void follow(long reader, long author) {
        send("PUT", relation + "/v1/users/me/following/" + author, tokens.forUser(reader), null, true);
    }

    private String send(String method, String url, String bearer, String body, boolean mustSucceed) {
        return send(method, url, bearer, body, mustSucceed, null);
    }

    private String send(String method, String url, String bearer, String body, boolean mustSucceed, String internal) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (internal != null) {
            b.header("X-Internal-Token", internal);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = exchange(b.build());
        if (mustSucceed && r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private HttpResponse<String> exchange(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(req.uri() + ": " + e, e);
        }
    }

    private static <T> void parallel(List<T> items, java.util.function.Consumer<T> action) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (T item : items) {
                fs.add(pool.submit(() -> action.accept(item)));
            }
            for (var f : fs) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }

    /** Polls every 100 ms until {@code done} holds or {@code limit} passes (what is missing then is reported as missing). */
    private static void pollUntil(java.util.function.BooleanSupplier done, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private double metric(String name) {
        String text = send("GET", feedManagement + "/q/metrics", null, null, true);
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private long heapAfterGc() throws Exception {
        long pid = Long.parseLong(Files.readString(local.resolve("run/feed-service.pid")).trim());
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
        Thread.sleep(1_000);
        String text = send("GET", feedManagement + "/q/metrics", null, null, true);
        long sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private long rss() throws Exception {
        long pid = Long.parseLong(Files.readString(local.resolve("run/feed-service.pid")).trim());
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
