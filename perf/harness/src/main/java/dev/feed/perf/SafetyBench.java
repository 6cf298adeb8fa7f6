package dev.feed.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Issue 17's figures ({@code ./feed bench --only safety}): what blocks, mutes and reposts cost.
 * <ul>
 * <li>Timeline read p50/p99 of readers with 500 blocks and 500 mutes against readers with none,
 * the same seeded followees, the same fixed rate, windows interleaved in one run; and the Redis
 * commands per read of each (INFO commandstats deltas, harness commands left out), whose
 * difference is the extra Redis cost of the hidden-author filter.</li>
 * <li>Fanout throughput (items whose fanout completed per second, publish sent to the worker's
 * last finishedAt) of the same push-tier authors publishing plain posts against half posts, half
 * reposts.</li>
 * </ul>
 * Blocks and mutes are written to PostgreSQL behind relation-service's back before any read of
 * those readers, on users they do not follow, so both groups' timelines hold the same kind of
 * items and the difference is the filter alone (1,000 hidden ids per read).
 */
final class SafetyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIMELINE = "/v1/timeline?limit=20";
    private static final int HIDDEN_EACH = 500;

    private final boolean quick;
    private final int users;
    private final String feedUrl;
    private final FanoutProgress fanoutProgress;
    private final Tokens tokens;
    private final Report report;
    private final RedisStats redisStats;
    private final Function<String, String> psql;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SafetyBench(boolean quick, int users, String feedUrl, FanoutProgress fanoutProgress, Tokens tokens, Report report, RedisStats redisStats,
            Function<String, String> psql) {
        this.quick = quick;
        this.users = users;
        this.feedUrl = feedUrl;
        this.fanoutProgress = fanoutProgress;
        this.tokens = tokens;
        this.report = report;
        this.redisStats = redisStats;
        this.psql = psql;
    }

    void run() throws Exception {
        reads();
        fanout();
    }

    // ---- reads: 500 blocks + 500 mutes against none ----

    private record Window(Histogram latency, long requests, long errors, long redisCommands) {
    }

    private void reads() throws Exception {
        int perGroup = quick ? 20 : 50;
        List<Long> plain = range(1_000, perGroup);
        List<Long> hiding = range(1_000 + perGroup, perGroup);
        long hidden = hide(hiding);
        tokens.warm(plain);
        tokens.warm(hiding);
        double rate = quick ? 40 : 80;
        Duration window = Duration.ofSeconds(quick ? 15 : 30);
        try (LoadClient load = new LoadClient(feedUrl, 32)) {
            for (long reader : concat(plain, hiding)) { // inboxes built, lists cached: steady state is measured
                load.get(TIMELINE, tokens.forUser(reader)).join();
            }
            OpenLoad.run("safety warm-up", rate, Duration.ofSeconds(5), 256, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(concat(plain, hiding)))));
            List<Window> none = new ArrayList<>();
            List<Window> withHidden = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // interleaved, so drift on the shared machine hits both
                none.add(window("no blocks/mutes #" + round, load, plain, rate, window));
                withHidden.add(window("500 blocks + 500 mutes #" + round, load, hiding, rate, window));
            }
            Window a = merge(none);
            Window b = merge(withHidden);
            String conditions = String.format("GET %s at %.0f/s open model, %d readers per group, %d s x 2 interleaved windows each;"
                    + " %d hidden ids per reader (avg); everything on one shared 2-core machine, busy with other builds", TIMELINE, rate,
                    perGroup, window.toSeconds(), hidden);
            report.figure("safety", "timeline read p50, 500 blocks + 500 mutes", b.latency().getValueAtPercentile(50) / 1000.0, "ms",
                    "no blocks/mutes", a.latency().getValueAtPercentile(50) / 1000.0, conditions);
            report.figure("safety", "timeline read p99, 500 blocks + 500 mutes", b.latency().getValueAtPercentile(99) / 1000.0, "ms",
                    "no blocks/mutes", a.latency().getValueAtPercentile(99) / 1000.0, "errors " + b.errors() + " vs " + a.errors());
            double perReadA = a.redisCommands() / (double) Math.max(1, a.requests());
            double perReadB = b.redisCommands() / (double) Math.max(1, b.requests());
            report.figure("safety", "Redis commands per read, 500 blocks + 500 mutes", perReadB, "commands", "no blocks/mutes", perReadA,
                    String.format("extra per read: %.2f (INFO commandstats delta over the windows / reads, harness commands left out)",
                            perReadB - perReadA));
        }
    }

    /** Blocks and mutes, {@value #HIDDEN_EACH} each per reader, of users the reader does not follow; the average count written. */
    private long hide(List<Long> readers) {
        long first = Math.max(2, users - 2L * HIDDEN_EACH - 200);
        for (long reader : readers) {
            psql.apply("INSERT INTO blocks (blocker_id, blocked_id) SELECT " + reader + ", g FROM generate_series(" + first + ", "
                    + (first + HIDDEN_EACH - 1) + ") g WHERE g <> " + reader + " AND NOT EXISTS (SELECT 1 FROM follows WHERE follower_id = "
                    + reader + " AND followee_id = g) ON CONFLICT DO NOTHING;"
                    + "INSERT INTO mutes (muter_id, muted_id) SELECT " + reader + ", g FROM generate_series(" + (first + HIDDEN_EACH) + ", "
                    + (first + 2L * HIDDEN_EACH - 1) + ") g WHERE g <> " + reader + " AND NOT EXISTS (SELECT 1 FROM follows WHERE follower_id = "
                    + reader + " AND followee_id = g) ON CONFLICT DO NOTHING;");
        }
        String in = readers.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElse("0");
        long blocks = Long.parseLong(psql.apply("SELECT count(*) FROM blocks WHERE blocker_id IN (" + in + ")").strip());
        long mutes = Long.parseLong(psql.apply("SELECT count(*) FROM mutes WHERE muter_id IN (" + in + ")").strip());
        return (blocks + mutes) / Math.max(1, readers.size());
    }

    private Window window(String name, LoadClient load, List<Long> readers, double rate, Duration duration) {
        Map<String, Long> c0 = redisStats.commandCalls();
        OpenLoad.Result r = OpenLoad.run(name, rate, duration, 256, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(readers))));
        long commands = RedisStats.sumExceptHarness(RedisStats.delta(c0, redisStats.commandCalls()));
        System.out.println("    " + r.summary() + String.format("; Redis commands per read %.2f", commands / (double) Math.max(1, r.requests())));
        return new Window(r.histogram(), r.requests(), r.errors(), commands);
    }

    private static Window merge(List<Window> windows) {
        Histogram h = new Histogram(3);
        long requests = 0;
        long errors = 0;
        long commands = 0;
        for (Window w : windows) {
            h.add(w.latency());
            requests += w.requests();
            errors += w.errors();
            commands += w.redisCommands();
        }
        return new Window(h, requests, errors, commands);
    }

    // ---- fanout: plain posts against half reposts ----

    /**
     * Authors and items per author per round: FEED_BENCH_SAFETY_AUTHORS (default 10 quick, 20 full)
     * and FEED_BENCH_SAFETY_ITEMS (default 2). Four rounds run, so items x 4 stays within the
     * publish burst (FEED_PUBLISH_RATE_BURST, 30) of each author.
     */
    private void fanout() throws Exception {
        int authorsCount = Integer.parseInt(env("FEED_BENCH_SAFETY_AUTHORS", quick ? "10" : "20"));
        int items = Integer.parseInt(env("FEED_BENCH_SAFETY_ITEMS", "2"));
        List<Long> authors = new ArrayList<>();
        for (String line : psql.apply("SELECT id FROM users WHERE tier = 'push' ORDER BY follower_count DESC LIMIT " + authorsCount).split("\n")) {
            if (!line.isBlank()) {
                authors.add(Long.parseLong(line.strip()));
            }
        }
        tokens.warm(authors);
        long followers = activateFollowers(authors);
        List<Long> originals = new ArrayList<>();
        double[] plain = new double[2];
        double[] mixed = new double[2];
        int[] plainItems = new int[2];
        int[] mixedItems = new int[2];
        for (int round = 0; round < 2; round++) { // interleaved, as the reads
            Round p = fanoutRound("plain #" + round, authors, items, false, originals);
            Round m = fanoutRound("half reposts #" + round, authors, items, true, originals);
            plain[round] = p.rate();
            plainItems[round] = p.items();
            mixed[round] = m.rate();
            mixedItems[round] = m.items();
        }
        double plainRate = (plain[0] + plain[1]) / 2;
        double mixedRate = (mixed[0] + mixed[1]) / 2;
        report.figure("safety", "fanout throughput, half of the items reposts", mixedRate, "items/s", "plain posts only", plainRate,
                String.format("%d push-tier authors (most followed; %d distinct followers, inboxes active), %d items each per round sent"
                        + " concurrently, 2 interleaved rounds per mode (%d items: %.1f/%.1f vs %d items: %.1f/%.1f items/s); items whose"
                        + " fanout completed / (last finishedAt - first publish sent)",
                        authors.size(), followers, items, mixedItems[0], mixed[0], mixed[1], plainItems[0], plain[0], plain[1]));
    }

    private record Round(double rate, int items) {
    }

    /**
     * Each author sends {@code items} items at once (plain: posts; mixed: every other one a repost of
     * a post of an earlier round, each author reposting different originals); items per second.
     */
    private Round fanoutRound(String name, List<Long> authors, int items, boolean reposts, List<Long> originals) throws Exception {
        List<java.util.concurrent.CompletableFuture<JsonNode>> sent = new ArrayList<>();
        int pool = originals.size();
        long start = System.currentTimeMillis();
        for (int i = 0; i < authors.size(); i++) {
            long author = authors.get(i);
            for (int k = 0; k < items; k++) {
                boolean repost = reposts && k % 2 == 1 && pool > 0;
                sent.add(repost
                        ? sendAsync(author, "/v1/posts/" + originals.get((i * items + k + pool / 2) % pool) + "/reposts", null)
                        : sendAsync(author, "/v1/posts", "{\"text\":\"safety " + name + " " + k + "\"}"));
            }
        }
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        for (java.util.concurrent.CompletableFuture<JsonNode> f : sent) {
            JsonNode item = f.join();
            if (item != null) {
                ids.add(item.get("id").asText());
                if (!item.hasNonNull("repostOf")) {
                    originals.add(item.get("id").asLong());
                }
            }
        }
        long last = 0;
        for (String id : ids) {
            JsonNode progress = fanoutProgress.awaitComplete(id, Duration.ofMinutes(2));
            if (progress == null) {
                report.note("safety " + name + ": fanout of " + id + " not complete within 2 min");
                continue;
            }
            last = Math.max(last, java.time.Instant.parse(progress.get("finishedAt").asText()).toEpochMilli()); // ISO-8601, as Bench reads it
        }
        double rate = ids.size() / Math.max(0.001, (last - start) / 1000.0);
        System.out.printf("    fanout %s: %d items in %d ms, %.1f items/s%n", name, ids.size(), last - start, rate);
        return new Round(rate, ids.size());
    }

    /** Marks the authors' followers active (their inboxes get pushes); how many there are. */
    private long activateFollowers(List<Long> authors) {
        String in = authors.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElse("0");
        List<Long> followers = new ArrayList<>();
        for (String line : psql.apply("SELECT DISTINCT follower_id FROM follows WHERE followee_id IN (" + in + ")").split("\n")) {
            if (!line.isBlank()) {
                followers.add(Long.parseLong(line.strip()));
            }
        }
        redisStats.activate(followers, 86_400_000L);
        return followers.size();
    }

    private java.util.concurrent.CompletableFuture<JsonNode> sendAsync(long user, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(feedUrl + path)).header("Authorization", "Bearer " + tokens.forUser(user))
                .timeout(Duration.ofSeconds(30));
        b = body == null ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                note("safety: POST " + path + " answered " + r.statusCode() + " " + r.body());
                return null;
            }
            try {
                return JSON.readTree(r.body());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).exceptionally(e -> {
            note("safety: POST " + path + " failed: " + e);
            return null;
        });
    }

    /** Answers arrive on the HTTP client's threads; the report is not thread-safe. */
    private void note(String text) {
        synchronized (report) {
            report.note(text);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static List<Long> range(long first, int n) {
        List<Long> ids = new ArrayList<>(n);
        for (long i = first; i < first + n; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long pick(List<Long> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }
}
