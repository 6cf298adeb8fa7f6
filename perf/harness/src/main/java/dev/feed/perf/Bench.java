package dev.feed.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code ./feed bench [--quick] [--only a,b]}: every scenario next to its baseline, measured in
 * the same run on the same machine, written to perf/reports/<timestamp>.{md,json} with charts.
 * Expects the stack of {@code ./feed up} and a graph seeded by {@code ./feed seed} (perf/bench.sh
 * does both). {@code --only} runs the named scenarios plus the ones they take baselines from.
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIMELINE = "/v1/timeline?limit=20";

    private final boolean quick;
    private final Set<String> only;
    private final int users;
    private final int redisPort;
    private final int pgPort;
    private final String feedUrl;
    private final String relationUrl;
    private final String workerUrl;
    /** The management interfaces (metrics, /internal/, /admin/): not on the API ports. */
    private final String feedManagementUrl;
    private final String relationManagementUrl;
    private final String kafkaBootstrap;
    private final String internalToken;
    private final FanoutProgress fanoutProgress;
    private final Tokens tokens;
    private final Report report;
    private final RedisStats redisStats;
    private final Services services;
    private final TierModes tiers;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    // Baselines and results other scenarios compare against (null when not run).
    private Double rawRange;
    private Double rawZadd;
    private List<long[]> posts;
    private OpenLoad.Result timelineBest;
    private OpenLoad.Result floorRedisBest;
    private PerRead timelineLightPerRead;
    private double[] sqlLight; // {timeline rate, SQL rate}, 20 followees
    private double[] sqlHeavy; // the same, 500 followees
    private Double fanoutPerSec;
    private PerRead floorPerRead;
    private Histogram delivery10k;
    private long delivery10kFollowers;
    private boolean delivery100kDone;
    private final Set<String> planned = new LinkedHashSet<>();

    private record Scenario(String name, String title, List<String> needs, Step body) {
    }

    private interface Step {
        void run() throws Exception;
    }

    private Bench(boolean quick, Set<String> only) throws Exception {
        this.quick = quick;
        this.only = only;
        this.users = Integer.parseInt(env("FEED_BENCH_USERS", "100000"));
        this.redisPort = Integer.parseInt(env("FEED_REDIS_PORT", "16379"));
        this.pgPort = Integer.parseInt(env("FEED_PG_PORT", "15432"));
        this.feedUrl = "http://127.0.0.1:" + env("FEED_SERVICE_PORT", "8080");
        this.relationUrl = "http://127.0.0.1:" + env("FEED_RELATION_PORT", "8081");
        this.workerUrl = "http://127.0.0.1:" + env("FEED_WORKER_PORT", "8082");
        this.feedManagementUrl = Services.managementUrl("feed-service");
        this.relationManagementUrl = Services.managementUrl("relation-service");
        this.kafkaBootstrap = "127.0.0.1:" + env("FEED_KAFKA_PORT", "19092");
        Path local = Path.of(env("FEED_LOCAL", ".local"));
        this.internalToken = Services.internalToken(local);
        this.fanoutProgress = new FanoutProgress(http, Services.managementUrl("fanout-worker"), internalToken);
        this.tokens = new Tokens(local.resolve("keys"), env("FEED_JWT_ISSUER", "https://feed.local"));
        this.report = new Report(Path.of(env("FEED_BENCH_REPORTS", "perf/reports")));
        this.redisStats = new RedisStats(redisPort);
        this.services = new Services(Path.of(env("FEED_ROOT", ".")), local);
        this.tiers = new TierModes(services, relationManagementUrl, internalToken, kafkaBootstrap, this::psql);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Set<String> only = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--only needs scenario names, e.g. --only tiers,storm");
                    }
                    for (String n : args[++i].split(",")) {
                        if (!n.isBlank()) {
                            only.add(n.strip());
                        }
                    }
                }
                case "--list" -> {
                    new Bench(true, Set.of()).scenarios().forEach(s -> System.out.printf("  %-13s %s%s%n", s.name(), s.title(),
                            s.needs().isEmpty() ? "" : " (runs " + String.join(", ", s.needs()) + " first)"));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new Bench(quick, only).run();
    }

    private List<Scenario> scenarios() {
        return List.of(
                new Scenario("memory", "inbox memory per entry, listpack against skiplist", List.of(), this::inboxMemory),
                new Scenario("baselines", "raw Redis baselines (redis-benchmark ZREVRANGEBYSCORE, pipelined ZADD)", List.of(), this::baselines),
                new Scenario("publish", "posts published through the API (setup for sql)", List.of(), this::publishPosts),
                new Scenario("delivery", "delivery latency, most-followed push-tier author (~10k followers, all active)",
                        List.of("baselines"), this::delivery),
                new Scenario("timeline", "timeline read rate search (open model) and wrk closed-model reference", List.of("baselines"),
                        this::timelineReads),
                new Scenario("floor", "the same rate search against a minimal Vert.x server (fixed page; one ZREVRANGEBYSCORE per read)",
                        List.of("baselines"), this::floor),
                new Scenario("sql", "naive SQL home timeline (LATERAL, 2M posts) against the timeline, by followee count 20..500",
                        List.of("timeline"), this::naiveSql),
                new Scenario("storm", "celebrity storm with hot-cache on and off (feed-service restarted)", List.of(), this::celebrityStorm),
                new Scenario("rebuild500", "rebuild of returning readers following 500 accounts", List.of(), this::rebuild500),
                new Scenario("followees", "rebuild at 500 and 5,000 followees, page below the window at 5,000, vs earlier rebuild and "
                        + "per-author archive (feed-service restarted)", List.of(),
                        () -> new FolloweeScale(quick, users, feedUrl, feedManagementUrl, redisPort, tokens, report, services, this::psql).run()),
                new Scenario("safety", "issue 17: reads with 500 blocks + 500 mutes vs none (latency, Redis commands per read), "
                        + "fanout throughput with half reposts vs plain posts", List.of(),
                        () -> new SafetyBench(quick, users, feedUrl, fanoutProgress, tokens, report, redisStats, this::psql).run()),
                new Scenario("stream", "issue 16: open streams one instance holds and memory per stream, publish -> stream event p50/p99"
                        + " (push- and pull-tier author), 304 vs full page rate with Redis commands and CPU per request (own users: no seeded"
                        + " graph needed)", List.of(),
                        () -> new StreamBench(quick, feedUrl, relationUrl, tokens, report, services, redisStats,
                                Path.of(env("FEED_LOCAL", ".local"))).run()),
                new Scenario("tiers", "hybrid against pure push and pure pull (relation-service restarted per mode)", List.of(),
                        this::tierModes),
                new Scenario("delivery100k", "delivery latency, 100k-follower author in push tier (all and 20 % active)",
                        List.of("baselines"), this::delivery100k));
    }

    private void run() throws Exception {
        List<Scenario> all = scenarios();
        Set<String> names = new LinkedHashSet<>();
        all.forEach(s -> names.add(s.name()));
        for (String n : only) {
            if (!names.contains(n)) {
                throw new IllegalArgumentException("unknown scenario '" + n + "'; known: " + names);
            }
        }
        Set<String> selected = new LinkedHashSet<>();
        if (only.isEmpty()) {
            selected.addAll(names);
        } else {
            for (Scenario s : all) {
                if (only.contains(s.name())) {
                    selected.addAll(s.needs());
                    selected.add(s.name());
                }
            }
        }
        List<Scenario> plan = all.stream().filter(s -> selected.contains(s.name())).toList();
        planned.addAll(selected);
        report.parameter("mode", quick ? "quick" : "full");
        if (!only.isEmpty()) {
            report.parameter("only", String.join(",", only));
        }
        report.parameter("users", users);
        report.parameter("followsPerUser", env("FEED_BENCH_FOLLOWS", "?"));
        report.parameter("celebrityFollowers", env("FEED_BENCH_CELEBRITY", "0"));
        report.parameter("timelineLimit", 20);
        report.parameter("p99TargetMs", 50);
        report.parameter("readRate", readRate());
        report.parameter("cpuPressureAtStart", cpuPressure());
        report.parameter("loadAverageAtStart", Report.loadAverage());
        long start = System.nanoTime();
        System.out.println("==> plan: " + plan.stream().map(Scenario::name).toList());
        services.ensureDefaults();
        try {
            for (int i = 0; i < plan.size(); i++) {
                Scenario s = plan.get(i);
                if (s.name().equals("delivery100k") && delivery100kDone) {
                    continue;
                }
                step(String.format("[%d/%d %s, %.0f s so far] %s", i + 1, plan.size(), s.name(), (System.nanoTime() - start) / 1e9, s.title()),
                        s.body());
            }
        } finally {
            if (tiers.current() != TierModes.HYBRID) {
                System.out.println("==> restoring the default tiers (hybrid)");
                try {
                    tiers.apply(TierModes.HYBRID);
                } catch (Exception e) {
                    report.note("restoring the default tiers failed: " + e + "; run ./feed restart relation-service and "
                            + "POST /internal/v1/tiers/reevaluate?hysteresis=false");
                }
            }
        }
        if (!selected.equals(Set.of("stream"))) { // the stream figures feed none of the headline's
            headline();
        }
        report.parameter("tookSeconds", Math.round((System.nanoTime() - start) / 1e9));
        report.parameter("cpuPressureAtEnd", cpuPressure());
        report.parameter("loadAverageAtEnd", Report.loadAverage());
        Path out = report.write();
        System.out.printf("report: %s (%.0f s)%n", out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The figures issue 19 tracks across runs, under fixed metric names (scenario "headline"),
     * each with its same-run baseline; a figure whose scenario did not run (or cannot run here) is
     * reported as not measured, with what it needs, never estimated.
     */
    private void headline() {
        String h = "headline";
        if (timelineBest != null && floorRedisBest != null) {
            report.figure(h, "timeline over floor", timelineBest.achievedRate(), "req/s", "floor: one ZREVRANGEBYSCORE per read",
                    floorRedisBest.achievedRate(), "both the highest open-model rate with p99 <= 50 ms, same generator, same run; goal >= 0.5");
        } else {
            report.notMeasured(h, "timeline over floor", "req/s", "needs the timeline and floor scenarios in the same run");
        }
        if (sqlLight != null) {
            report.figure(h, "timeline over naive SQL, light reader", sqlLight[0], "req/s", "naive SQL (LATERAL, 2M posts), 20 followees",
                    sqlLight[1], "readers following 20 accounts, both at p99 <= 50 ms; goal >= 3");
        } else {
            report.notMeasured(h, "timeline over naive SQL, light reader", "req/s", "needs the sql scenario");
        }
        if (sqlHeavy != null) {
            report.figure(h, "timeline over naive SQL, heavy reader", sqlHeavy[0], "req/s", "naive SQL (LATERAL, 2M posts), 500 followees",
                    sqlHeavy[1], "readers following 500 accounts, both at p99 <= 50 ms; goal >= 50");
        } else {
            report.notMeasured(h, "timeline over naive SQL, heavy reader", "req/s", "needs the sql scenario");
        }
        if (fanoutPerSec != null && rawZadd != null) {
            report.figure(h, "fanout over raw ZADD", fanoutPerSec, "ops/s", "raw pipelined ZADD (-P 1000)", rawZadd,
                    "inbox insertions/s end to end at the median delivery probe (~10k followers, all active); goal >= 0.5");
        } else {
            report.notMeasured(h, "fanout over raw ZADD", "ops/s", "needs the delivery and baselines scenarios");
        }
        report.notMeasured(h, "delivery p99, 1M followers 20 % active", "ms", "the bench graph's largest author has "
                + env("FEED_BENCH_CELEBRITY", "?") + " followers; this needs a seed with --celebrity-followers 1000000 (1M users, ~10x the "
                + "quick graph's follows), the stack in push-all and 200k inboxes made active (~200k ZSETs in Redis), and enough probes for a p99");
        if (timelineLightPerRead != null) {
            report.figure(h, "timeline CPU per read", timelineLightPerRead.cpuMicros(), "us", floorPerRead == null ? null : "floor CPU per read",
                    floorPerRead == null ? null : floorPerRead.cpuMicros(), String.format("feed-service process CPU over the step / reads, at its "
                            + "best step (%.0f/s); allocation %.1f KB/read, Redis %.2f commands and %.2f round trips per read",
                            timelineLightPerRead.rate(), timelineLightPerRead.allocBytes() / 1024, timelineLightPerRead.redisCommands(),
                            timelineLightPerRead.redisRoundTrips()));
        } else {
            report.notMeasured(h, "timeline CPU per read", "us", "needs the timeline scenario");
        }
        if (floorPerRead != null) {
            report.figure(h, "floor CPU per read", floorPerRead.cpuMicros(), "us", null, null, String.format("FloorServer process CPU "
                    + "(/proc/<pid>/stat) over the step / reads, at its best step (%.0f/s); Redis %.2f commands and %.2f round trips per read",
                    floorPerRead.rate(), floorPerRead.redisCommands(), floorPerRead.redisRoundTrips()));
        } else {
            report.notMeasured(h, "floor CPU per read", "us", "needs the floor scenario");
        }
    }

    /**
     * Linux PSI: the share of time some runnable task waited for a CPU (10 s, 60 s, 300 s averages).
     * Other workloads on the machine show here; high values make every latency figure noisier.
     */
    private static String cpuPressure() {
        try {
            return Files.readAllLines(Path.of("/proc/pressure/cpu")).get(0);
        } catch (Exception e) {
            return "n/a";
        }
    }

    private double readRate() {
        // One modest rate for both modes: at 250/s the full graph's hot-cache-off runs were
        // overloaded on the 2-core machine (p50 in seconds), which says little per read.
        return Double.parseDouble(env("FEED_BENCH_READ_RATE", "150"));
    }

    private Duration readWindow() {
        return Duration.ofSeconds(quick ? 8 : 30);
    }

    // ---- scenarios -------------------------------------------------------------------------

    /** Bytes per inbox entry at the configured cap, in both ZSET encodings. */
    private void inboxMemory() {
        try (Resp redis = new Resp("127.0.0.1", redisPort)) {
            Object configured = ((List<?>) redis.call("CONFIG", "GET", "zset-max-listpack-entries")).get(1);
            int entries = 800;
            Map<String, Double> perEntry = new LinkedHashMap<>();
            for (String encoding : List.of("listpack", "skiplist")) {
                String key = "bench:memory:" + encoding;
                redis.call("DEL", key);
                redis.call("CONFIG", "SET", "zset-max-listpack-entries", encoding.equals("listpack") ? "1024" : "128");
                long base = 600_000_000_000_000_000L;
                for (int i = 0; i < entries; i++) {
                    redis.queue("ZADD", key, 1_763_000_000_000L + i * 1000L, base + i * 4_194_304L);
                }
                redis.flush();
                long bytes = (Long) redis.call("MEMORY", "USAGE", key, "SAMPLES", "0");
                String actual = (String) redis.call("OBJECT", "ENCODING", key);
                perEntry.put(actual, bytes / (double) entries);
                redis.call("DEL", key);
            }
            redis.call("CONFIG", "SET", "zset-max-listpack-entries", String.valueOf(configured));
            report.figure("inbox memory", "bytes per entry, listpack (configured: max " + configured + ")",
                    perEntry.getOrDefault("listpack", 0.0), "B", "skiplist", perEntry.get("skiplist"),
                    "800 Snowflake-id members; ./feed runs Redis with zset-max-listpack-entries " + configured);
        }
    }

    private void baselines() {
        try (Resp redis = new Resp("127.0.0.1", redisPort)) {
            redis.call("DEL", "bench:zset");
            for (int i = 0; i < 800; i++) {
                redis.queue("ZADD", "bench:zset", 1_763_000_000_000L + i, 600_000_000_000_000_000L + i);
            }
            redis.flush();
        }
        String csv = Shell.run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(redisPort), "-c", "50",
                "-n", quick ? "50000" : "400000", "--csv", "ZREVRANGEBYSCORE", "bench:zset", "+inf", "-inf", "LIMIT", "0", "20"), Map.of());
        rawRange = Shell.redisBenchmarkRps(csv);
        report.figure("baseline", "raw ZREVRANGEBYSCORE LIMIT 0 20 on 800-entry ZSET", rawRange, "req/s", null, null,
                "redis-benchmark -c 50, same machine, same run");
        csv = Shell.run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(redisPort), "-c", "20", "-P", "1000",
                "-r", "1000000", "-n", quick ? "1000000" : "5000000", "--csv", "ZADD", "bench:inbox:__rand_int__", "__rand_int__", "__rand_int__"),
                Map.of());
        rawZadd = Shell.redisBenchmarkRps(csv);
        report.figure("baseline", "raw pipelined ZADD on random keys (-P 1000)", rawZadd, "ops/s", null, null,
                "redis-benchmark -c 20 -P 1000 -r 1000000");
        // drop the baseline's keys so they do not count as inboxes or memory later
        redisStats.unlink("bench:inbox:*");
    }

    /** Publishes posts by the graph's most-followed push authors; keeps {postId, authorId} for the SQL baseline. */
    private void publishPosts() throws Exception {
        int authors = quick ? 100 : 400;
        int perAuthor = quick ? 5 : 10;
        List<Long> authorIds = new ArrayList<>();
        for (long a = 2; a < 2 + authors; a++) {
            authorIds.add(a);
        }
        tokens.warm(authorIds);
        long start = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        List<JsonNode> published = publish(authorIds, perAuthor, "bench post");
        double secs = (System.nanoTime() - start) / 1e9;
        posts = new ArrayList<>();
        for (JsonNode n : published) {
            posts.add(new long[] {n.get("id").asLong(), n.get("author").get("id").asLong()});
        }
        report.figure("publish", "posts published through POST /v1/posts", posts.size() / secs, "posts/s", null, null,
                posts.size() + " posts by " + authors + " authors, 32 in flight (setup, not a tuned benchmark)");
        // The next scenarios time single fanouts: they must not queue behind this backlog.
        long drained = awaitFanouts(published, Duration.ofMinutes(5));
        report.figure("publish", "fanout backlog of those posts drained", (drained - startMillis) / 1000.0, "s", null, null,
                "from the first publish to the last post's finishedAt (inboxes of active readers only)");
    }

    /** Waits for every post's fanout; returns the latest finishedAt (epoch ms). */
    private long awaitFanouts(List<JsonNode> published, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = 0;
        for (JsonNode p : published) {
            JsonNode progress = awaitFanout(p.get("id").asText(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (progress == null) {
                report.note("fanout of post " + p.get("id").asText() + " not complete within " + timeout);
                return System.currentTimeMillis();
            }
            last = Math.max(last, Instant.parse(progress.get("finishedAt").asText()).toEpochMilli());
        }
        return last;
    }

    /** Publish to "in every active follower's inbox" for the most-followed push-tier author. */
    private void delivery() throws Exception {
        String[] row = psql("SELECT id, follower_count FROM users WHERE tier = 'push' ORDER BY follower_count DESC LIMIT 1").strip().split("\\|");
        long author = Long.parseLong(row[0]);
        delivery10kFollowers = Long.parseLong(row[1]);
        List<Long> followers = followersOf(author);
        delivery10kFollowers = followers.size();
        redisStats.activate(followers, 86_400_000L);
        delivery10k = deliveryProbes(author, followers.size(), quick ? 5 : 20, "delivery probe");
        double perSec = followers.size() / Math.max(0.001, delivery10k.getValueAtPercentile(50) / 1e6);
        report.figure("delivery latency", "publish to last active inbox, p50 (" + delivery10kFollowers + " followers, all active)",
                delivery10k.getValueAtPercentile(50) / 1000.0, "ms", null, null,
                delivery10k.getTotalCount() + " posts; from sending the publish to the worker's finishedAt (no polling error)");
        report.figure("delivery latency", "publish to last active inbox, max (" + delivery10kFollowers + " followers, all active)",
                delivery10k.getMaxValue() / 1000.0, "ms", null, null, "goal p99 < 1000 ms at 10k followers");
        report.figure("fanout throughput", "inbox insertions per second (median probe, end to end)", perSec, "ops/s",
                "raw pipelined ZADD", rawZadd, "goal ratio >= 0.5");
        fanoutPerSec = perSec;
    }

    /**
     * Sequential probes: publish, then the worker's progress record says when the last batch was
     * done ({@code finishedAt}, worker clock = this machine's clock). Latency = finishedAt minus
     * the moment the publish was sent.
     */
    private Histogram deliveryProbes(long author, long activeFollowers, int samples, String text) throws Exception {
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        for (int i = 0; i < samples; i++) {
            long sentAt = System.currentTimeMillis();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts"))
                    .header("Authorization", "Bearer " + tokens.forUser(author)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + " " + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                report.note(text + ": publish failed: " + r.statusCode() + " " + r.body());
                pause(Duration.ofSeconds(1)); // a rate limit or a restart: give it a moment before the next probe
                continue;
            }
            String postId = JSON.readTree(r.body()).get("id").asText();
            JsonNode progress = awaitFanout(postId, Duration.ofSeconds(120));
            if (progress == null) {
                report.note(text + ": fanout of post " + postId + " did not complete within 120 s");
                continue;
            }
            long ms = Instant.parse(progress.get("finishedAt").asText()).toEpochMilli() - sentAt;
            latency.recordValue(Math.max(1, ms) * 1000);
            System.out.printf("    %s %d: %d ms to the last of %d active inboxes%n", text, i, ms, activeFollowers);
        }
        return latency;
    }

    /** The worker's progress record of the post once complete, or null if it is not within the timeout. */
    private JsonNode awaitFanout(String postId, Duration timeout) {
        return fanoutProgress.awaitComplete(postId, timeout);
    }

    /**
     * Open-model rate search on GET /v1/timeline until p99 crosses 50 ms, then wrk (closed model)
     * on the same readers as a reference. Each step also reports what tells a generator problem
     * from a server one: the send lag, the harness's CPU, and the server's own mean latency.
     */
    private void timelineReads() throws Exception {
        int readers = quick ? 2000 : 10000;
        Random random = new Random(42);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            ids.add(users / 2 + (long) random.nextInt(users / 2) + 1);
        }
        tokens.warm(ids);
        // First read per reader rebuilds the inbox (returning reader); measured separately.
        Histogram rebuild = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        List<Long> warm = ids.subList(0, Math.min(ids.size(), quick ? 100 : 1000));
        for (long reader : warm) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(timeline(reader), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                rebuild.recordValue((System.nanoTime() - t0) / 1000);
            }
        }
        report.figure("rebuild", "first read of a returning reader (rebuild), p99", rebuild.getValueAtPercentile(99) / 1000.0, "ms", null,
                null, warm.size() + " readers following " + env("FEED_BENCH_FOLLOWS", "?") + " accounts each; sequential");
        double[] rates = quick ? new double[] {100, 200, 400, 700, 1000, 1400, 2000, 2400, 2800, 3500, 4500}
                : new double[] {100, 200, 400, 700, 1000, 1400, 2000, 2800, 3500, 4500, 6000};
        ReadSteps light;
        try (LoadClient load = new LoadClient(feedUrl, 64)) {
            // Every reader's first read (its rebuild) happens before the measured steps: the steps
            // measure steady-state reads of active readers.
            activate(load, ids, "timeline");
            warmServer(ids);
            // Opens the harness client's connections and warms its own JIT at a gentle rate.
            OpenLoad.run("warm-up", 100, Duration.ofSeconds(5), 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(ids))));
            light = searchTimeline("timeline", load, ids, rates, Duration.ofSeconds(quick ? 8 : 30));
        }
        List<OpenLoad.Result> steps = light.steps();
        OpenLoad.Result best = light.best();
        timelineLightPerRead = light.perRead();
        diagnose(steps, light.serverMeans(), light.machineBusy());
        Map<String, double[][]> lines = new LinkedHashMap<>();
        lines.put("open model (this harness), p99", steps.stream().map(r -> new double[] {r.achievedRate(), r.p(99)}).toArray(double[][]::new));
        if (best == null) {
            report.note("timeline: even the lowest rate missed p99 <= 50 ms: " + steps.get(0).summary());
            best = steps.get(0);
        }
        report.figure("timeline read", "highest rate with p99 <= 50 ms", best.achievedRate(), "req/s", "raw ZREVRANGEBYSCORE", rawRange,
                "goal ratio >= 0.2; load generator on the same 2 cores");
        report.figure("timeline read", "p50 at that rate", best.p(50), "ms", null, null, null);
        report.figure("timeline read", "p99 at that rate", best.p(99), "ms", null, null, null);
        report.figure("timeline read", "p99.9 at that rate", best.p(99.9), "ms", null, null, null);
        timelineBest = best;
        if (Wrk.available()) {
            Wrk.Result w = Wrk.run(feedUrl + TIMELINE, ids.stream().map(tokens::forUser).toList(), 1, 16, quick ? 8 : 30);
            System.out.printf("    wrk: %.0f req/s p50 %.2f ms p99 %.2f ms, %d requests, non-2xx %d %s%n", w.rate(), w.p50Ms(), w.p99Ms(),
                    w.requests(), w.non2xx(), w.errors());
            report.figure("timeline read", "wrk closed model (-t1 -c16), requests/s", w.rate(), "req/s", "open model at p99 <= 50 ms",
                    best.achievedRate(), w.command() + "; not corrected for coordinated omission; non-2xx " + w.non2xx()
                            + "; ratio > 1: see the rate search table and perf/README.md (harness findings)");
            report.figure("timeline read", "wrk closed model p50 / p99", w.p50Ms(), "ms", "wrk p99", w.p99Ms(), "same readers, same run");
            lines.put("wrk -c16 closed model, p99 (one point)", new double[][] {{w.rate(), w.p99Ms()}});
        } else {
            report.note("wrk not installed: no closed-model reference");
        }
        Chart.lines("GET /v1/timeline: p99 against achieved rate", "achieved requests/s", "p99 latency ms", lines,
                report.chart("timeline-rate-p99.png"));
        Map<String, Histogram> curves = new LinkedHashMap<>();
        for (OpenLoad.Result r : steps) {
            curves.put(r.name(), r.histogram());
        }
        Chart.percentiles("GET /v1/timeline latency by percentile (corrected for coordinated omission)", curves, report.chart("timeline-percentiles.png"));
    }

    /**
     * Says, from the step table, who ran out first at the first step that missed the target: the
     * generator (requests handed to the client late, or the harness eating the cores) or the
     * server (its own mean latency rising while the generator stayed on time).
     */
    private void diagnose(List<OpenLoad.Result> steps, List<Double> serverMeans, List<Double> machineBusy) {
        int miss = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).p(99) > 50) {
                miss = i;
                break;
            }
        }
        if (miss < 0) {
            return;
        }
        OpenLoad.Result f = steps.get(miss);
        double before = miss > 0 ? serverMeans.get(miss - 1) : serverMeans.get(0);
        String where = String.format("at %.0f/s p99 %.0f ms: send lag p99 %.1f ms, harness CPU %.2f cores; feed-service's own mean %.1f ms "
                        + "(%.1f ms one step lower); machine busy %.2f of %d cores", f.targetRate(), f.p(99), f.sendLagP99(), f.harnessCpuCores(),
                serverMeans.get(miss), before, machineBusy.get(miss), CORES);
        if (f.sendLagP99() > 25 || f.harnessCpuCores() > 0.5) {
            report.note("timeline rate search: the generator fell behind first (" + where + ")");
        } else if (serverMeans.get(miss) > 3 * Math.max(0.1, before)) {
            report.note("timeline rate search: the server, not the generator, ran out first (" + where + "). wrk's closed loop stops "
                    + "sending while the server stalls, so its rate and latencies do not see those stalls (coordinated omission).");
        } else {
            report.note("timeline rate search: missed the target with neither the generator nor the server's mean clearly at fault (" + where
                    + "): tail latency from short stalls (GC, CPU taken by other processes)");
        }
    }

    /** One rate search's steps, the best step (null: none met the target) and what a read cost there. */
    private record ReadSteps(List<OpenLoad.Result> steps, OpenLoad.Result best, PerRead perRead, List<Double> serverMeans,
            List<Double> machineBusy) {
    }

    /**
     * What one read cost the server over a step: its process CPU and allocated bytes, Redis
     * commands (commandstats, every command but the harness's own) and Redis round trips
     * (total_reads_processed: a pipeline or a script call is one), each divided by the requests.
     */
    private record PerRead(double rate, double cpuMicros, double allocBytes, double redisCommands, double redisRoundTrips) {
    }

    /**
     * The open-model rate search on GET /v1/timeline over {@code ids}, with the per-step table:
     * latencies, the server's own mean, CPU, GC and per-read costs, the generator's send lag and
     * CPU, the machine's busy cores.
     */
    private ReadSteps searchTimeline(String label, LoadClient load, List<Long> ids, double[] rates, Duration each) throws Exception {
        List<OpenLoad.Result> steps = new ArrayList<>();
        List<PerRead> costs = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        RateSearch<OpenLoad.Result> search = RateSearch.openLoad();
        List<Double> serverMeans = new ArrayList<>();
        List<Double> machineBusy = new ArrayList<>();
        for (double rate : rates) {
            ServerSample server0 = serverSample();
            OpenLoad.Result r = OpenLoad.run(label + "@" + (int) rate, rate, each, 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(ids))));
            ServerSample server1 = serverSample();
            ServerSample d = server1.minus(server0);
            double serverMean = d.requests() == 0 ? 0 : d.seconds() / d.requests() * 1000;
            double wall = r.duration().toNanos() / 1e9;
            double n = Math.max(1, d.requests());
            PerRead cost = new PerRead(r.achievedRate(), d.cpuNanos() / n / 1000, d.allocBytes() / n, d.redisCommands() / n, d.redisReads() / n);
            System.out.printf("    %s; server mean %.2f ms, server CPU %.2f cores (%.0f us/read, %.1f KB/read), Redis %.2f cmds / %.2f round trips "
                            + "per read, server GC %d pauses %.0f ms, machine busy %.2f of %d cores%n",
                    r.summary(), serverMean, d.cpuNanos() / 1e9 / wall, cost.cpuMicros(), cost.allocBytes() / 1024, cost.redisCommands(),
                    cost.redisRoundTrips(), (long) d.gcPauses(), d.gcSeconds() * 1000, d.machineBusy() / Math.max(1, d.machineTotal()) * CORES, CORES);
            steps.add(r);
            costs.add(cost);
            serverMeans.add(serverMean);
            machineBusy.add(d.machineBusy() / Math.max(1, d.machineTotal()) * CORES);
            rows.add(List.of(String.format("%.0f", rate), String.format("%.0f", r.achievedRate()), String.format("%.2f", r.p(50)),
                    String.format("%.2f", r.p(99)), String.format("%.1f", r.histogram().getMaxValue() / 1000.0),
                    String.format("%.2f", serverMean), String.format("%.2f", d.cpuNanos() / 1e9 / wall), String.format("%.0f", cost.cpuMicros()),
                    String.format("%.1f", cost.allocBytes() / 1024), String.format("%.2f / %.2f", cost.redisCommands(), cost.redisRoundTrips()),
                    String.format("%d / %.0f", (long) d.gcPauses(), d.gcSeconds() * 1000),
                    String.format("%.2f", r.sendLagP99()), String.format("%.2f / %d", r.harnessCpuCores(), r.harnessGcMillis()),
                    String.format("%.2f", d.machineBusy() / Math.max(1, d.machineTotal()) * CORES),
                    r.errors() + (r.errorKinds().isEmpty() ? "" : " " + r.errorKinds())));
            if (!search.carryOn(r)) {
                break;
            }
        }
        OpenLoad.Result best = search.best();
        report.table("Timeline rate search (" + label + "), step by step", List.of("target/s", "achieved/s", "p50 ms", "p99 ms", "max ms",
                "server mean ms", "server CPU (cores)", "server CPU us/read", "server alloc KB/read", "Redis cmds / round trips per read",
                "server GC pauses (n / ms)", "send lag p99 ms", "harness CPU (cores) / GC ms", "machine busy (cores)", "errors"), rows,
                "Latency from each request's due time (open model). Server mean: feed-service's own http_server_requests_seconds "
                        + "sum/count for /v1/timeline over the step; server CPU, allocation and GC: its process_cpu_time_ns_total, "
                        + "jvm_gc_memory_allocated_bytes_total and jvm_gc_pause_seconds (SerialGC, -Xmx384m), per read = over its own request "
                        + "count. Redis: INFO commandstats calls (harness's own excluded) and total_reads_processed (round trips: a pipeline "
                        + "or script call is one read) over the step, per read; background work (relay, patrol) included. Send lag: how late "
                        + "the generator handed a request to the client. Machine busy: /proc/stat over the step, every process on the machine "
                        + "(other stacks included).");
        PerRead perRead = best == null ? costs.get(0) : costs.get(steps.indexOf(best));
        return new ReadSteps(steps, best, perRead, serverMeans, machineBusy);
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** feed-service's counters for GET /v1/timeline, its CPU and GC, and the machine's CPU ticks (/proc/stat). */
    private record ServerSample(double requests, double seconds, double cpuNanos, double gcPauses, double gcSeconds, double machineBusy,
            double machineTotal, double allocBytes, double redisCommands, double redisReads) {
        ServerSample minus(ServerSample o) {
            return new ServerSample(requests - o.requests, seconds - o.seconds, cpuNanos - o.cpuNanos, gcPauses - o.gcPauses,
                    gcSeconds - o.gcSeconds, machineBusy - o.machineBusy, machineTotal - o.machineTotal, allocBytes - o.allocBytes,
                    redisCommands - o.redisCommands, redisReads - o.redisReads);
        }
    }

    private ServerSample serverSample() throws Exception {
        double count = 0;
        double sum = 0;
        double cpu = 0;
        double gcCount = 0;
        double gcSum = 0;
        double alloc = 0;
        for (String line : metrics(feedManagementUrl).split("\n")) {
            if (line.contains("uri=\"/v1/timeline\"") && line.startsWith("http_server_requests_seconds_count")) {
                count += lastNumber(line);
            } else if (line.contains("uri=\"/v1/timeline\"") && line.startsWith("http_server_requests_seconds_sum")) {
                sum += lastNumber(line);
            } else if (line.startsWith("process_cpu_time_ns_total")) {
                cpu += lastNumber(line);
            } else if (line.startsWith("jvm_gc_pause_seconds_count")) {
                gcCount += lastNumber(line);
            } else if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                gcSum += lastNumber(line);
            } else if (line.startsWith("jvm_gc_memory_allocated_bytes_total")) {
                alloc += lastNumber(line);
            }
        }
        double[] machine = machineTicks();
        return new ServerSample(count, sum, cpu, gcCount, gcSum, machine[0], machine[1], alloc,
                RedisStats.sumExceptHarness(redisStats.commandCalls()), redisStats.readsProcessed());
    }

    /** The machine's busy and total CPU ticks from /proc/stat, every process included; zeros off Linux. */
    private static double[] machineTicks() {
        double busy = 0;
        double total = 0;
        try {
            String[] cpuLine = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i < Math.min(cpuLine.length, 9); i++) { // user..steal (guest is inside user)
                double v = Double.parseDouble(cpuLine[i]);
                total += v;
                if (i != 4 && i != 5) { // idle, iowait
                    busy += v;
                }
            }
        } catch (Exception e) {
            // not Linux: no machine figure
        }
        return new double[] {busy, total};
    }

    private HttpRequest timeline(long reader) {
        return HttpRequest.newBuilder(URI.create(feedUrl + TIMELINE))
                .header("Authorization", "Bearer " + tokens.forUser(reader)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    /**
     * Unmeasured. A feed-service started moments ago (./feed up, a storm or tiers restart) still
     * compiles its read path for tens of seconds: 5 s at 100/s left it at ~5 ms of CPU per read
     * in the first timeline steps, and the storm's two freshly restarted runs had tails set by
     * whichever compiled later. A closed loop (wrk, when installed) gets through enough reads.
     */
    private void warmServer(List<Long> readers) throws Exception {
        if (Wrk.available()) {
            Wrk.run(feedUrl + TIMELINE, readers.stream().map(tokens::forUser).toList(), 1, 16, quick ? 15 : 30);
        }
    }

    /** Waits on a timer, not on a sleeping thread of our own. */
    private static void pause(Duration duration) {
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)).join();
    }

    /**
     * The floor under the timeline figure: the timeline's rate search, same generator and rates,
     * against {@link FloorServer}, a bare Vert.x server doing the least a read could (a fixed page;
     * then one ZREVRANGEBYSCORE per read, the raw baseline's command). The goal rate (0.2 x raw)
     * is always one of the steps, so the report says whether anything on these cores reaches it.
     */
    private void floor() throws Exception {
        int bodyBytes = timelinePageBytes();
        double goalRate = Math.round(0.2 * rawRange);
        List<Double> rates = new ArrayList<>(List.of(2000.0, 4000.0, 6000.0, 8000.0, 10000.0, 15000.0, 20000.0, 25000.0));
        rates.removeIf(r -> Math.abs(r - goalRate) < 500);
        rates.add(goalRate);
        Collections.sort(rates);
        Duration each = Duration.ofSeconds(quick ? 8 : 20);
        int port = Integer.parseInt(env("FEED_BENCH_FLOOR_PORT", "18090"));
        int loops = Integer.parseInt(env("FEED_BENCH_FLOOR_LOOPS", String.valueOf(FloorServer.defaultLoops())));
        String url = "http://127.0.0.1:" + port;
        Map<String, double[][]> lines = new LinkedHashMap<>();
        // --quick runs only the one-Redis-call floor, the one the timeline is compared with; the
        // fixed page without Redis (the HTTP stack alone, ~100 s) is a reference for full runs.
        for (String mode : quick ? List.of("redis") : List.of("http", "redis")) {
            Process server = startFloor(port, mode, bodyBytes, loops);
            List<List<String>> rows = new ArrayList<>();
            List<double[]> points = new ArrayList<>();
            List<PerRead> costs = new ArrayList<>();
            List<OpenLoad.Result> results = new ArrayList<>();
            RateSearch<OpenLoad.Result> search = RateSearch.openLoad();
            OpenLoad.Result atGoal = null;
            Wrk.Result closed = null;
            try (LoadClient load = new LoadClient(url, 64)) {
                if (Wrk.available()) {
                    Wrk.run(url + TIMELINE, List.of("floor"), 1, 16, quick ? 10 : 20); // unmeasured: JIT warm-up
                }
                // The generator's own JIT too: unwarmed, its first step at 2000/s stalled for 270 ms at 0.76 cores.
                OpenLoad.run("floor warm-up", rates.get(0), Duration.ofSeconds(5), 1024, load.sender(), () -> load.get(TIMELINE, "floor"));
                for (double rate : rates) {
                    double[] m0 = machineTicks();
                    double cpu0 = processCpuNanos(server.pid());
                    long cmds0 = RedisStats.sumExceptHarness(redisStats.commandCalls());
                    long reads0 = redisStats.readsProcessed();
                    OpenLoad.Result r = OpenLoad.run("floor-" + mode + "@" + (int) rate, rate, each, 1024, load.sender(), () -> load.get(TIMELINE, "floor"));
                    double n = Math.max(1, r.requests());
                    PerRead cost = new PerRead(r.achievedRate(), (processCpuNanos(server.pid()) - cpu0) / n / 1000, Double.NaN,
                            (RedisStats.sumExceptHarness(redisStats.commandCalls()) - cmds0) / n, (redisStats.readsProcessed() - reads0) / n);
                    double[] m1 = machineTicks();
                    double busy = (m1[0] - m0[0]) / Math.max(1, m1[1] - m0[1]) * CORES;
                    System.out.printf("    %s; server CPU %.0f us/read, Redis %.2f cmds / %.2f round trips per read; machine busy %.2f of %d cores%n",
                            r.summary(), cost.cpuMicros(), cost.redisCommands(), cost.redisRoundTrips(), busy, CORES);
                    costs.add(cost);
                    results.add(r);
                    rows.add(List.of(String.format("%.0f%s", rate, rate == goalRate ? " (goal)" : ""), String.format("%.0f", r.achievedRate()),
                            String.format("%.2f", r.p(50)), String.format("%.2f", r.p(99)), String.format("%.0f", cost.cpuMicros()),
                            String.format("%.2f / %.2f", cost.redisCommands(), cost.redisRoundTrips()), String.format("%.2f", r.sendLagP99()),
                            String.format("%.2f", r.harnessCpuCores()), String.format("%.2f", busy), String.valueOf(r.errors())));
                    points.add(new double[] {r.achievedRate(), r.p(99)});
                    if (rate == goalRate) {
                        atGoal = r;
                    }
                    if (!search.carryOn(r)) {
                        break;
                    }
                }
                if (Wrk.available()) {
                    closed = Wrk.run(url + TIMELINE, List.of("floor"), 1, 16, quick ? 8 : 20);
                }
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
            OpenLoad.Result best = search.best();
            lines.put("floor, " + mode + ", p99", points.toArray(double[][]::new));
            String what = mode.equals("http") ? "fixed " + bodyBytes + " B page, no Redis" : "one ZREVRANGEBYSCORE per read, " + bodyBytes + " B page";
            report.table("Floor rate search: " + what, List.of("target/s", "achieved/s", "p50 ms", "p99 ms", "server CPU us/read",
                    "Redis cmds / round trips per read", "send lag p99 ms",
                    "harness CPU (cores)", "machine busy (cores)", "errors"), rows,
                    "FloorServer (perf/harness): bare Vert.x HttpServer, " + loops + " event loops (FEED_BENCH_FLOOR_LOOPS), JVM options of feed-service; "
                            + "same generator, rates and p99 <= 50 ms rule as the timeline search");
            report.figure("floor", "minimal server, " + what + ": highest rate with p99 <= 50 ms", best == null ? 0 : best.achievedRate(),
                    "req/s", "raw ZREVRANGEBYSCORE", rawRange, "a timeline read does all of this and more on the same cores; goal rate "
                            + (long) goalRate + "/s (0.2 x raw)" + (atGoal == null ? ": not reached by the search"
                                    : String.format(": p99 %.1f ms there, achieved %.0f/s", atGoal.p(99), atGoal.achievedRate())));
            if (closed != null) {
                report.figure("floor", "minimal server, " + mode + ": wrk closed model (-t1 -c16), requests/s", closed.rate(), "req/s",
                        "raw ZREVRANGEBYSCORE", rawRange, String.format("p50 %.2f ms, p99 %.2f ms; throughput at any latency, the most these cores "
                                + "serve with wrk as the generator", closed.p50Ms(), closed.p99Ms()));
                lines.put("floor, " + mode + ", wrk -c16 (one point)", new double[][] {{closed.rate(), closed.p99Ms()}});
            }
            if (mode.equals("redis")) {
                floorRedisBest = best;
                floorPerRead = best == null ? null : costs.get(results.indexOf(best));
            }
        }
        if (timelineBest != null && floorRedisBest != null) {
            report.figure("floor", "timeline rate over the one-Redis-call floor, both at p99 <= 50 ms", timelineBest.achievedRate(), "req/s",
                    "floor (redis)", floorRedisBest.achievedRate(), "what auth, merge, tombstones, hydration, JSON and the framework cost");
        }
        Chart.lines("Floor: p99 against achieved rate (minimal Vert.x server)", "achieved requests/s", "p99 latency ms", lines,
                report.chart("floor-rate-p99.png"));
    }

    /**
     * utime + stime of a process from /proc/<pid>/stat, in ns (clock ticks of 10 ms, USER_HZ on
     * Linux); 0 elsewhere. Over an 8 s step at thousands of requests the tick is well below 1 %.
     */
    static double processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000.0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The largest of a few real first pages, so the floor answers with as many bytes as the timeline does. */
    private int timelinePageBytes() throws Exception {
        int largest = 0;
        Random random = new Random(42);
        for (int i = 0; i < 10; i++) {
            long reader = users / 2 + (long) random.nextInt(users / 2) + 1;
            HttpResponse<byte[]> r = http.send(timeline(reader), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) {
                largest = Math.max(largest, r.body().length);
            }
        }
        System.out.printf("    a real timeline page: up to %d bytes%n", largest);
        return Math.max(largest, 1024);
    }

    /** Starts FloorServer in its own JVM with feed-service's JVM options; waits for its "ready". */
    private Process startFloor(int port, String mode, int bodyBytes, int loops) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(env("FEED_SERVICE_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC").trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorServer.class.getName(), String.valueOf(port), mode,
                String.valueOf(bodyBytes), String.valueOf(redisPort), "bench:zset", String.valueOf(loops)));
        Path log = Files.createTempFile("floor-" + mode, ".log");
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await("floor server (" + mode + ") ready, log " + log).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !server.isAlive() || Files.readString(log).contains("ready"));
        } catch (ConditionTimeoutException e) {
            server.destroyForcibly();
            throw e;
        }
        if (!server.isAlive()) {
            throw new IllegalStateException("floor server (" + mode + ") exited: " + Files.readString(log));
        }
        return server;
    }

    /** Followee counts of the SQL-against-timeline sweep; the first is the light reader, the last the heavy one. */
    private static final int[] SWEEP_FOLLOWEES = {20, 50, 100, 200, 500};
    /** Posts per user in the naive design's corpus: 20 x 100,001 users = 2,000,020 posts. */
    private static final int CORPUS_POSTS_PER_USER = 20;
    /** Authors the sweep readers follow: the graph's 5,000 lowest ids, where the power-law seed puts its most-followed. */
    private static final int SWEEP_AUTHORS = 5000;

    /**
     * The design every adopter asks about first: one SQL query in PostgreSQL, over a realistic
     * corpus (20 posts per user, 2M posts), on the bench's own follow graph, with the index and the
     * query a competent engineer writes: (author_id, created_at desc, id desc), and a LATERAL join
     * that takes each followee's newest 20 through that index, then the top 20. Swept over the
     * reader's followee count (20 = light ... 500 = heavy), each point the highest open-model rate
     * with p99 <= 50 ms, against the timeline's rate search over readers with the same followee
     * counts, in the same run.
     */
    private void naiveSql() throws Exception {
        long corpus = ensureCorpus();
        List<String> connection = List.of("-h", "127.0.0.1", "-p", String.valueOf(pgPort), "-U", "feed", "feed");
        Map<String, String> pgEnv = Map.of("PGPASSWORD", env("FEED_PG_PASSWORD", "feed"));
        int perGroup = quick ? 200 : 1000;
        int seededFollows = Integer.parseInt(env("FEED_BENCH_FOLLOWS", "0"));
        List<double[]> sqlPoints = new ArrayList<>();
        List<double[]> timelinePoints = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < SWEEP_FOLLOWEES.length; i++) {
            int followees = SWEEP_FOLLOWEES[i];
            boolean heavy = i == SWEEP_FOLLOWEES.length - 1;
            // The point with the seeded graph's own follow count reads the timeline scenario's
            // readers (users N/2+1..N) and takes its rate search: the same readers in both designs.
            boolean seeded = followees == seededFollows && timelineBest != null;
            long first = seeded ? users / 2 + 1 : users + 10_000L * (i + 1);
            long last = seeded ? users : first + perGroup - 1;
            List<Long> readers = seeded ? List.of() : sweepReaders(first, perGroup, followees);
            Path script = lateralQuery(first, last);
            double closedTps = pgbenchClosed(connection, pgEnv, script, 3);
            PgbenchOpen.Step sql = naiveSqlRateSearch(connection, pgEnv, script, closedTps,
                    followees + " followees (" + corpus + " posts, LATERAL)");
            double sqlRate = sql == null ? 0 : sql.achievedRate();
            sqlPoints.add(new double[] {followees, sqlRate});
            Double timelineRate = null;
            if (seeded) {
                timelineRate = timelineBest.achievedRate();
            } else if (!quick || heavy || i == 0) { // --quick: the timeline at the light and heavy ends only
                ReadSteps t = timelineForReaders(followees, readers);
                timelineRate = t.best() == null ? 0.0 : t.best().achievedRate();
            }
            if (timelineRate != null) {
                timelinePoints.add(new double[] {followees, timelineRate});
                if (i == 0) {
                    sqlLight = new double[] {timelineRate, sqlRate};
                } else if (heavy) {
                    sqlHeavy = new double[] {timelineRate, sqlRate};
                }
            }
            rows.add(List.of(String.valueOf(followees), String.format("%.0f", closedTps), String.format("%.0f", sqlRate),
                    sql == null ? "-" : String.format("%.1f / %.1f", sql.p50Ms(), sql.p99Ms()),
                    timelineRate == null ? "not run (--quick)" : String.format("%.0f", timelineRate),
                    timelineRate == null || sqlRate == 0 ? "" : String.format("%.1f", timelineRate / sqlRate)));
        }
        report.table("Naive SQL (LATERAL) against the timeline, by followee count", List.of("followees", "SQL closed loop tps (8 clients)",
                "SQL rate at p99 <= 50 ms", "SQL p50 / p99 ms there", "timeline rate at p99 <= 50 ms", "timeline over SQL"), rows,
                corpus + " posts (" + CORPUS_POSTS_PER_USER + " per user, created over 30 days) in bench_corpus_posts with the index (author_id, "
                        + "created_at DESC, id DESC); " + perGroup + " readers per point, each following that many of the graph's " + SWEEP_AUTHORS
                        + " lowest ids (the power-law seed's most-followed, some of them pull tier), in the follows table both designs read; "
                        + "the point at the seeded graph's own follow count (" + seededFollows + ") reads the timeline scenario's readers and "
                        + "takes its rate search instead. "
                        + "SQL: pgbench -c 8 -j 2, open model (-R, latency from the due time). Timeline: the same rate search as the timeline "
                        + "scenario over the same readers. Both on the same 2 cores, machine shared with other builds; compare within the run.");
        Map<String, double[][]> lines = new LinkedHashMap<>();
        lines.put("timeline (GET /v1/timeline)", timelinePoints.toArray(double[][]::new));
        lines.put("naive SQL, LATERAL over 2M posts", sqlPoints.toArray(double[][]::new));
        Chart.lines("Highest rate at p99 <= 50 ms against the reader's followee count", "followees", "requests/s at p99 <= 50 ms", lines,
                report.chart("sql-vs-timeline-by-followees.png"));
    }

    /**
     * The naive design's posts: 20 per user of the graph, loaded server-side in one INSERT ...
     * SELECT over generate_series (no client round trips, index built after the load), kept
     * between runs: a table whose comment matches is reused.
     */
    private long ensureCorpus() {
        String marker = "users=" + (users + 1) + " perUser=" + CORPUS_POSTS_PER_USER;
        String existing = psql("SELECT coalesce(obj_description('bench_corpus_posts'::regclass, 'pg_class'), '') "
                + "WHERE to_regclass('bench_corpus_posts') IS NOT NULL").strip();
        if (!existing.equals(marker)) {
            long t0 = System.nanoTime();
            psql("DROP TABLE IF EXISTS bench_corpus_posts; CREATE TABLE bench_corpus_posts (id bigint PRIMARY KEY, author_id bigint NOT NULL, "
                    + "created_at timestamptz NOT NULL, text text NOT NULL); "
                    + "INSERT INTO bench_corpus_posts SELECT u * 100 + n, u, now() - make_interval(secs => ((u * 7919 + n * 104729) % 2592000)), "
                    + "rpad('post ' || n || ' by ' || u || ': ', 120, 'the quick brown fox jumps over the lazy dog ') "
                    + "FROM generate_series(1, " + (users + 1) + ") u, generate_series(1, " + CORPUS_POSTS_PER_USER + ") n; "
                    + "CREATE INDEX bench_corpus_posts_author_time ON bench_corpus_posts (author_id, created_at DESC, id DESC); "
                    + "VACUUM ANALYZE bench_corpus_posts; COMMENT ON TABLE bench_corpus_posts IS '" + marker + "'");
            System.out.printf("    naive SQL corpus: %s built in %.1f s%n", marker, (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.println("    naive SQL corpus: reusing bench_corpus_posts (" + marker + ")");
        }
        return Long.parseLong(psql("SELECT count(*) FROM bench_corpus_posts").strip());
    }

    /**
     * {@code count} readers from id {@code first}, each following {@code followees} distinct
     * authors among the graph's {@link #SWEEP_AUTHORS} lowest ids (a different set per reader), in
     * the follows table itself: the graph both designs read. Counts are put right as rebuild500 does.
     */
    private List<Long> sweepReaders(long first, int count, int followees) {
        long last = first + count - 1;
        // k * 4729 mod 5000 is distinct for k < 5000 (gcd 1): followees distinct per reader.
        psql("INSERT INTO users (id, handle, display_name, updated_at) SELECT g, 'sweep' || g, 'Sweep ' || g, now() FROM generate_series("
                + first + ',' + last + ") g ON CONFLICT DO NOTHING; "
                + "INSERT INTO follows (follower_id, followee_id) SELECT r, 2 + ((r * 7919 + k * 4729) % " + SWEEP_AUTHORS + ") FROM generate_series("
                + first + ',' + last + ") r, generate_series(0, " + (followees - 1) + ") k ON CONFLICT DO NOTHING; "
                + "UPDATE users u SET following_count = c.n FROM (SELECT follower_id, count(*) AS n FROM follows WHERE follower_id BETWEEN "
                + first + " AND " + last + " GROUP BY follower_id) c WHERE u.id = c.follower_id AND u.following_count <> c.n; "
                + "UPDATE users u SET follower_count = c.n FROM (SELECT followee_id, count(*) AS n FROM follows WHERE followee_id BETWEEN 2 AND "
                + (SWEEP_AUTHORS + 1) + " GROUP BY followee_id) c WHERE u.id = c.followee_id AND u.follower_count <> c.n");
        List<Long> ids = new ArrayList<>();
        for (long r = first; r <= last; r++) {
            ids.add(r);
        }
        return ids;
    }

    /** The timeline's rate search over the sweep readers (activated first), shorter ladder from 200/s. */
    private ReadSteps timelineForReaders(int followees, List<Long> readers) throws Exception {
        tokens.warm(readers);
        try (LoadClient load = new LoadClient(feedUrl, 64)) {
            activate(load, readers, "timeline, " + followees + " followees");
            if (timelineBest == null) {
                warmServer(readers); // the timeline scenario did not warm this feed-service
            }
            OpenLoad.run("warm-up", 100, Duration.ofSeconds(3), 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(readers))));
            return searchTimeline(followees + " followees", load, readers, new double[] {200, 700, 1400, 2000, 2800, 3500, 4500},
                    Duration.ofSeconds(quick ? 8 : 20));
        }
    }

    /** pgbench closed loop, 8 clients: transactions per second (also where the open-model ladder is placed). */
    private double pgbenchClosed(List<String> connection, Map<String, String> pgEnv, Path script, int seconds) {
        List<String> closed = new ArrayList<>(List.of("pgbench", "-n"));
        closed.addAll(connection.subList(0, connection.size() - 1));
        closed.addAll(List.of("-c", "8", "-j", "2", "-T", String.valueOf(seconds), "-f", script.toString(), connection.get(connection.size() - 1)));
        String out = Shell.run(closed, pgEnv);
        for (String line : out.split("\n")) {
            if (line.startsWith("tps = ")) {
                return Double.parseDouble(line.substring(6).split(" ")[0]);
            }
        }
        return 0;
    }

    /**
     * The pgbench script: a random reader of ids [first, last]; each followee's newest 20 through
     * the (author_id, created_at desc, id desc) index (LATERAL, LIMIT 20 each), then the newest 20 of those.
     */
    private static Path lateralQuery(long first, long last) throws IOException {
        Path script = Files.createTempFile("naive-lateral", ".sql");
        Files.writeString(script, "\\set uid random(" + first + ", " + last + ")\n"
                + "SELECT p.id, p.author_id, p.text, p.created_at FROM follows f CROSS JOIN LATERAL ("
                + "SELECT id, author_id, text, created_at FROM bench_corpus_posts x WHERE x.author_id = f.followee_id "
                + "ORDER BY x.created_at DESC, x.id DESC LIMIT 20) p WHERE f.follower_id = :uid "
                + "ORDER BY p.created_at DESC, p.id DESC LIMIT 20;\n");
        return script;
    }

    /** The same search as the timeline's, on pgbench -R: the highest rate whose p99 from the due time stays <= 50 ms. */
    private PgbenchOpen.Step naiveSqlRateSearch(List<String> connection, Map<String, String> pgEnv, Path script, double closedTps, String over)
            throws Exception {
        // The ladder is placed under the closed-loop throughput (an open model at p99 <= 50 ms does
        // not beat it): 0.2 .. 1.2 of it, so a 95 tps heavy reader and a 3,000 tps light one both
        // get six useful steps instead of a fixed ladder that wastes steps far above or below.
        List<Double> rates = new ArrayList<>();
        for (double f : new double[] {0.2, 0.4, 0.6, 0.8, 1.0, 1.2}) {
            rates.add((double) Math.max(5, Math.round(f * closedTps)));
        }
        List<List<String>> rows = new ArrayList<>();
        RateSearch<PgbenchOpen.Step> search = new RateSearch<>(s -> s.p99Ms() <= 50 && s.achievedRate() >= 0.9 * s.targetRate(), s -> false);
        for (double rate : rates) {
            PgbenchOpen.Step step = PgbenchOpen.run(connection, pgEnv, script, rate, quick ? 6 : 20, 8);
            System.out.printf("    naive SQL (%s) @%.0f/s: achieved %.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms%n", over, rate, step.achievedRate(),
                    step.p50Ms(), step.p99Ms(), step.maxMs());
            rows.add(List.of(String.format("%.0f", rate), String.format("%.0f", step.achievedRate()), String.format("%.2f", step.p50Ms()),
                    String.format("%.2f", step.p99Ms()), String.format("%.1f", step.maxMs())));
            if (!search.carryOn(step)) {
                break;
            }
        }
        PgbenchOpen.Step best = search.best();
        report.table("Naive SQL rate search over " + over + " (pgbench -R, open model)", List.of("target/s", "achieved/s", "p50 ms", "p99 ms", "max ms"), rows,
                "pgbench -c 8 -j 2 -R rate -l: latency = each transaction's time plus its schedule lag, i.e. from its due time, "
                        + "as the timeline's open model measures. Same stop rule: two misses.");
        if (best == null) {
            report.note("naive SQL over " + over + ": even the lowest rate missed p99 <= 50 ms");
            return null;
        }
        report.figure("naive SQL", "highest rate with p99 <= 50 ms over " + over + " (pgbench -R, open model)", best.achievedRate(), "req/s", null, null,
                String.format("p50 %.2f ms, p99 %.2f ms", best.p50Ms(), best.p99Ms()));
        return best;
    }

    /** What one measured window of timeline reads cost, from the servers' own counters. */
    private record ReadCost(OpenLoad.Result load, double redisCommandsPerRead, double outboxReadsPerRead, double hotHitsPerRead,
            double hotMissesPerRead) {
    }

    /** Reads at the fixed modest rate; Redis commands and outbox/hot-cache lookups per read from INFO and /q/metrics. */
    private ReadCost measureReads(String name, LoadClient load, List<Long> readers, Runnable during) throws Exception {
        // Unmeasured: warms this JVM's JIT and caches at the same rate.
        OpenLoad.run(name + " warm-up", readRate(), Duration.ofSeconds(3), 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(readers))));
        Map<String, Double> m0 = feedMetrics();
        Map<String, Long> c0 = redisStats.commandCalls();
        CompletableFuture<Void> side = during == null ? CompletableFuture.completedFuture(null) : CompletableFuture.runAsync(during);
        OpenLoad.Result r = OpenLoad.run(name, readRate(), readWindow(), 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(readers))));
        side.join();
        Map<String, Long> commands = RedisStats.delta(c0, redisStats.commandCalls());
        Map<String, Double> m1 = feedMetrics();
        double reads = Math.max(1, r.requests());
        System.out.println("    " + r.summary());
        return new ReadCost(r, RedisStats.sumExceptHarness(commands) / reads,
                (m1.getOrDefault("feed_timeline_outbox_reads_total", 0.0) - m0.getOrDefault("feed_timeline_outbox_reads_total", 0.0)) / reads,
                (m1.getOrDefault("feed_hotcache_hits_total", 0.0) - m0.getOrDefault("feed_hotcache_hits_total", 0.0)) / reads,
                (m1.getOrDefault("feed_hotcache_misses_total", 0.0) - m0.getOrDefault("feed_hotcache_misses_total", 0.0)) / reads);
    }

    /**
     * Readers who follow the graph's biggest pull-tier author read at a fixed rate while it
     * publishes every 1.5 s: once with the hot-cache on, once with feed-service restarted with
     * FEED_HOT_ENABLED=false (pull-tier authors read from their outboxes), then restored.
     */
    private void celebrityStorm() throws Exception {
        String top = psql("SELECT id, follower_count FROM users WHERE tier = 'pull' ORDER BY follower_count DESC LIMIT 1").strip();
        if (top.isEmpty()) {
            report.note("celebrity storm skipped: the seeded graph has no pull-tier author");
            return;
        }
        long celebrity = Long.parseLong(top.split("\\|")[0]);
        long celebrityFollowers = Long.parseLong(top.split("\\|")[1]);
        List<Long> readers = new ArrayList<>();
        for (String line : psql("SELECT follower_id FROM follows WHERE followee_id = " + celebrity + " ORDER BY follower_id % 7919, follower_id LIMIT "
                + (quick ? 1500 : 5000)).split("\n")) {
            if (!line.isBlank()) {
                readers.add(Long.parseLong(line.strip()));
            }
        }
        tokens.warm(readers);
        tokens.forUser(celebrity);
        int stormPosts = (int) (readWindow().toSeconds() * 2 / 3);
        // One post every 1.5 s on a timer, for as long as the read window lasts.
        Runnable storm = () -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            CountDownLatch posted = new CountDownLatch(stormPosts);
            AtomicInteger next = new AtomicInteger();
            timer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= stormPosts) {
                    return;
                }
                try {
                    http.send(HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts")).header("Authorization", "Bearer " + tokens.forUser(celebrity))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"storm " + i + "\"}")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    posted.countDown();
                } catch (Exception e) {
                    // as before: a failed post ends the storm (the read window still runs to its end)
                    report.note("storm stopped after post " + i + " failed: " + e);
                    next.set(stormPosts);
                    while (posted.getCount() > 0) {
                        posted.countDown();
                    }
                }
            }, 0, 1500, TimeUnit.MILLISECONDS);
            try {
                posted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                timer.shutdownNow();
            }
        };
        Map<String, ReadCost> runs = new LinkedHashMap<>();
        try {
            // Both runs on a freshly started feed-service with the same warm-up, so neither has a
            // JIT or caches the other lacks; "on" last, which is also the restore of the defaults.
            for (boolean hotOn : List.of(false, true)) {
                String label = hotOn ? "hot-cache on" : "hot-cache off";
                services.restart("feed-service", hotOn ? List.of() : List.of("FEED_HOT_ENABLED=false"));
                try (LoadClient load = new LoadClient(feedUrl, 64)) {
                    // Every reader active (inbox rebuilt) before measuring, in both runs.
                    activate(load, readers, label);
                    warmServer(readers);
                    OpenLoad.run("storm warm-up", readRate(), Duration.ofSeconds(quick ? 3 : 15), 1024, load.sender(), () -> load.get(TIMELINE, tokens.forUser(pick(readers))));
                    runs.put(label, measureReads("storm, " + label, load, readers, storm));
                }
            }
        } finally {
            if (!services.extraEnv("feed-service").isEmpty()) {
                services.restart("feed-service", List.of());
            }
        }
        ReadCost on = runs.get("hot-cache on");
        ReadCost off = runs.get("hot-cache off");
        String setup = "celebrity " + celebrity + " (" + celebrityFollowers + " followers) publishing every 1.5 s; " + readers.size()
                + " of its followers reading at " + (int) readRate() + "/s for " + readWindow().toSeconds() + " s";
        report.figure("celebrity storm", "outbox reads per timeline read, hot-cache on", on.outboxReadsPerRead(), "reads",
                "hot-cache off", off.outboxReadsPerRead(),
                "feed_timeline_outbox_reads_total / reads: pull-tier outboxes not resident in the hot-cache (a reader's own posts "
                        + "come from their inbox); goal < 0.01 on; " + setup);
        report.figure("celebrity storm", "hot-cache misses per timeline read (on)", on.hotMissesPerRead(), "misses", null, null, "goal < 0.01");
        report.figure("celebrity storm", "Redis commands per timeline read, hot-cache on", on.redisCommandsPerRead(), "cmds",
                "hot-cache off", off.redisCommandsPerRead(), "INFO commandstats, all commands in the window (publish and fanout included)");
        report.figure("celebrity storm", "read p99, hot-cache on", on.load().p(99), "ms", "hot-cache off", off.load().p(99),
                "open model at " + (int) readRate() + "/s, each run on a freshly restarted feed-service after the same warm-up; "
                        + "tails move with the machine's load: the counters above are the figure");
        report.figure("celebrity storm", "read p50, hot-cache on", on.load().p(50), "ms", "hot-cache off", off.load().p(50), null);
        Map<String, Histogram> curves = new LinkedHashMap<>();
        runs.forEach((k, v) -> curves.put(k, v.load().histogram()));
        Chart.percentiles("Celebrity storm: timeline read latency, hot-cache on and off", curves, report.chart("storm-percentiles.png"));
    }

    /** Returning readers who follow 500 accounts: first read after their inbox is gone. */
    private void rebuild500() throws Exception {
        int readers = quick ? 20 : 100;
        long firstId = users + 100;
        StringBuilder sql = new StringBuilder();
        sql.append("INSERT INTO users (id, handle, display_name, updated_at) SELECT g, 'bench' || g, 'Bench ' || g, now() FROM generate_series(")
                .append(firstId).append(',').append(firstId + readers - 1).append(") g ON CONFLICT DO NOTHING;");
        sql.append("INSERT INTO follows (follower_id, followee_id) SELECT r, f FROM generate_series(").append(firstId).append(',')
                .append(firstId + readers - 1).append(") r, generate_series(2, 501) f ON CONFLICT DO NOTHING;");
        // Edges written behind relation-service's back: put the counts it keeps (and tiers follow) right.
        sql.append("UPDATE users u SET follower_count = c.n FROM (SELECT followee_id, count(*) AS n FROM follows "
                + "WHERE followee_id BETWEEN 2 AND 501 GROUP BY followee_id) c WHERE u.id = c.followee_id AND u.follower_count <> c.n;");
        sql.append("UPDATE users SET following_count = 500 WHERE id BETWEEN ").append(firstId).append(" AND ").append(firstId + readers - 1)
                .append(" AND following_count <> 500;");
        psql(sql.toString());
        Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        try (Resp redis = new Resp("127.0.0.1", redisPort)) {
            for (int round = 0; round < (quick ? 3 : 5); round++) {
                for (long reader = firstId; reader < firstId + readers; reader++) {
                    redis.call("UNLINK", "inbox:{" + reader + "}", "inbox-floor:{" + reader + "}");
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(timeline(reader), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        h.recordValue((System.nanoTime() - t0) / 1000);
                    }
                }
            }
        }
        report.figure("rebuild", "returning reader following 500 accounts, first read p50", h.getValueAtPercentile(50) / 1000.0, "ms", null, null,
                h.getTotalCount() + " rebuilds, sequential");
        report.figure("rebuild", "returning reader following 500 accounts, first read p99", h.getValueAtPercentile(99) / 1000.0, "ms", null, null,
                "goal < 200 ms");
    }

    /** One tier mode's cost on the shared workload. */
    private record ModeRun(String tiers, long moved, int posts, double zsetWritesPerPost, double scriptCallsPerPost, double activityChecksPerPost,
            double commandsPerPost, double fanoutSeconds, long inboxes, long inboxBytesBefore, long inboxBytesAfter, ReadCost reads,
            double residentAuthors) {
    }

    /**
     * The same graph, readers and posts under three tier regimes: hybrid (the defaults), pure push
     * and pure pull (the same code with the threshold at infinity and at one follower). Per mode:
     * switch the tiers and wait until every service applied them, drop every inbox, make the same
     * readers active (first read = rebuild by pull), publish the same posts by the same authors,
     * wait for their fanout, then read at a fixed rate.
     */
    private void tierModes() throws Exception {
        int readerCount = quick ? 2000 : 10000;
        Random random = new Random(7);
        Set<Long> readerSet = new LinkedHashSet<>();
        while (readerSet.size() < readerCount) {
            readerSet.add(1 + (long) random.nextInt(users));
        }
        List<Long> readers = new ArrayList<>(readerSet);
        int topAuthors = quick ? 10 : 20;
        Set<Long> authorSet = new LinkedHashSet<>();
        for (String line : psql("SELECT id FROM users ORDER BY follower_count DESC, id LIMIT " + topAuthors).split("\n")) {
            if (!line.isBlank()) {
                authorSet.add(Long.parseLong(line.strip()));
            }
        }
        while (authorSet.size() < topAuthors * 10) {
            authorSet.add(1 + (long) random.nextInt(users));
        }
        List<Long> authors = new ArrayList<>(authorSet);
        int postsPerAuthor = 2;
        tokens.warm(readers);
        tokens.warm(authors);
        Map<String, ModeRun> runs = new LinkedHashMap<>();
        // Hybrid last: it is also the restore, so the stack needs one restart fewer.
        for (TierModes.Mode mode : List.of(TierModes.PULL_ALL, TierModes.PUSH_ALL, TierModes.HYBRID)) {
            System.out.println("    -- " + mode.name() + " (" + mode.meaning() + ")");
            JsonNode moved = tiers.apply(mode);
            long movedCount = moved == null ? 0 : moved.path("toPull").asLong() + moved.path("toPush").asLong();
            runs.put(mode.name(), measureMode(mode.name(), movedCount, readers, authors, postsPerAuthor));
            if (mode == TierModes.PULL_ALL && !quick) {
                // Pure pull as the literature means it: every followee's outbox merged at read time,
                // no resident copy in feed-service (full run only: two more feed-service restarts).
                services.restart("feed-service", List.of("FEED_HOT_ENABLED=false"));
                try {
                    runs.put("pull-all, hot-cache off", measureMode("pull-all, hot-cache off", 0, readers, authors, postsPerAuthor));
                } finally {
                    services.restart("feed-service", List.of());
                }
            }
            if (mode == TierModes.PUSH_ALL && planned.contains("delivery100k")) {
                // The 100k-follower author can only be pushed in this regime: measure it now, no extra restart.
                step("delivery100k (while every author is push tier)", this::delivery100k);
                delivery100kDone = true;
            }
        }
        ModeRun hybrid = runs.get("hybrid");
        String workload = authors.size() + " authors (the " + topAuthors + " most followed + random) x " + postsPerAuthor + " posts; "
                + readers.size() + " active readers (random), reads at " + (int) readRate() + "/s for " + readWindow().toSeconds() + " s";
        for (String base : runs.keySet()) {
            if (base.equals("hybrid")) {
                continue;
            }
            ModeRun b = runs.get(base);
            report.figure("tiers", "ZSET writes per post, hybrid vs " + base, hybrid.zsetWritesPerPost(), "writes", base, b.zsetWritesPerPost(),
                    "ZADD+ZREM+ZREMRANGEBYRANK calls (INFO commandstats, inside scripts too): outbox + inbox insertions and trims; " + workload);
            report.figure("tiers", "Redis commands per post, hybrid vs " + base, hybrid.commandsPerPost(), "cmds", base, b.commandsPerPost(),
                    "every command in the publish+fanout window except the harness's own (INFO, SCAN, MEMORY, HMGET of the progress poll)");
            report.figure("tiers", "inbox memory after the workload, hybrid vs " + base, hybrid.inboxBytesAfter() / 1048576.0, "MiB", base,
                    b.inboxBytesAfter() / 1048576.0, "sum of MEMORY USAGE over all inbox:* keys (" + hybrid.inboxes() + " active readers)");
            report.figure("tiers", "Redis commands per timeline read, hybrid vs " + base, hybrid.reads().redisCommandsPerRead(), "cmds", base,
                    b.reads().redisCommandsPerRead(), "INFO commandstats over the read window / reads");
            report.figure("tiers", "outbox reads per timeline read, hybrid vs " + base, hybrid.reads().outboxReadsPerRead(), "reads", base,
                    b.reads().outboxReadsPerRead(), "feed_timeline_outbox_reads_total / reads (pull-tier outboxes not resident; hot-cache on)");
            report.figure("tiers", "read p50, hybrid vs " + base, hybrid.reads().load().p(50), "ms", base, b.reads().load().p(50), null);
            report.figure("tiers", "read p99, hybrid vs " + base, hybrid.reads().load().p(99), "ms", base, b.reads().load().p(99),
                    "open model at " + (int) readRate() + "/s");
        }
        List<String> header = new ArrayList<>(List.of("per mode"));
        header.addAll(runs.keySet());
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("tiers after re-evaluation", runs, ModeRun::tiers));
        rows.add(row("authors moved by the re-evaluation", runs, m -> String.valueOf(m.moved())));
        rows.add(row("posts published", runs, m -> String.valueOf(m.posts())));
        rows.add(row("ZSET writes per post", runs, m -> String.format("%.1f", m.zsetWritesPerPost())));
        rows.add(row("script calls (EVALSHA) per post", runs, m -> String.format("%.1f", m.scriptCallsPerPost())));
        rows.add(row("activity checks (ZCARD in the push script) per post", runs, m -> String.format("%.1f", m.activityChecksPerPost())));
        rows.add(row("Redis commands per post", runs, m -> String.format("%.1f", m.commandsPerPost())));
        rows.add(row("fanout of all posts done in (s)", runs, m -> String.format("%.1f", m.fanoutSeconds())));
        rows.add(row("inbox memory before the posts (MiB)", runs, m -> String.format("%.2f", m.inboxBytesBefore() / 1048576.0)));
        rows.add(row("inbox memory after the posts (MiB)", runs, m -> String.format("%.2f", m.inboxBytesAfter() / 1048576.0)));
        rows.add(row("Redis commands per read", runs, m -> String.format("%.1f", m.reads().redisCommandsPerRead())));
        rows.add(row("outbox reads per read", runs, m -> String.format("%.2f", m.reads().outboxReadsPerRead())));
        rows.add(row("hot-cache hits per read", runs, m -> String.format("%.2f", m.reads().hotHitsPerRead())));
        rows.add(row("hot-cache resident authors at the end (feed-service heap)", runs, m -> String.format("%.0f", m.residentAuthors())));
        rows.add(row("read p50 / p99 (ms)", runs, m -> String.format("%.2f / %.2f", m.reads().load().p(50), m.reads().load().p(99))));
        rows.add(row("read errors", runs, m -> String.valueOf(m.reads().load().errors())));
        report.table("Hybrid against pure push and pure pull", header, rows, workload
                + ". Inbox memory = MEMORY USAGE summed over inbox:* (the active readers' inboxes, rebuilt by their first read, then the pushes)."
                + " Modes run in the order of the columns; feed-service pins an author in its hot-cache when a read finds it pull tier and "
                + "never unpins it when it goes back to push, so the authors pinned under pull-all stay resident in the later columns.");
        Map<String, Histogram> curves = new LinkedHashMap<>();
        runs.forEach((k, v) -> curves.put(k, v.reads().load().histogram()));
        Chart.percentiles("Timeline reads at " + (int) readRate() + "/s by tier mode", curves, report.chart("tiers-read-percentiles.png"));
        Map<String, Double> writes = new LinkedHashMap<>();
        runs.forEach((k, v) -> writes.put(k, v.zsetWritesPerPost()));
        Chart.bars("ZSET writes per post by tier mode", "writes per post", writes, report.chart("tiers-writes-per-post.png"));
        Map<String, Double> memory = new LinkedHashMap<>();
        runs.forEach((k, v) -> memory.put(k, v.inboxBytesAfter() / 1048576.0));
        Chart.bars("Inbox memory after the workload by tier mode", "MiB", memory, report.chart("tiers-inbox-memory.png"));
    }

    private static List<String> row(String label, Map<String, ModeRun> runs, java.util.function.Function<ModeRun, String> cell) {
        List<String> r = new ArrayList<>(List.of(label));
        runs.values().forEach(m -> r.add(cell.apply(m)));
        return r;
    }

    private ModeRun measureMode(String label, long moved, List<Long> readers, List<Long> authors, int postsPerAuthor)
            throws Exception {
        String tierCounts = tiers.tierCounts();
        redisStats.clearInboxes();
        try (LoadClient load = new LoadClient(feedUrl, 64)) {
            activate(load, readers, label);
            long[] before = redisStats.memory("inbox:*");
            Map<String, Long> c0 = redisStats.commandCalls();
            long publishStart = System.currentTimeMillis();
            List<JsonNode> published = publish(authors, postsPerAuthor, "tiers " + label);
            long lastDone = publishStart;
            for (JsonNode p : published) {
                JsonNode progress = awaitFanout(p.get("id").asText(), Duration.ofSeconds(300));
                if (progress == null) {
                    report.note("tiers " + label + ": fanout of post " + p.get("id").asText() + " did not complete within 300 s");
                } else {
                    lastDone = Math.max(lastDone, Instant.parse(progress.get("finishedAt").asText()).toEpochMilli());
                }
            }
            Map<String, Long> writes = RedisStats.delta(c0, redisStats.commandCalls());
            long[] after = redisStats.memory("inbox:*");
            int n = Math.max(1, published.size());
            double fanoutSeconds = (lastDone - publishStart) / 1000.0;
            System.out.printf("    %d posts, fanout done %.1f s after the first publish; writes %s%n", published.size(), fanoutSeconds, writes);
            ReadCost reads = measureReads("reads " + label, load, readers, null);
            return new ModeRun(tierCounts, moved, published.size(), RedisStats.sum(writes, RedisStats.ZSET_WRITES) / (double) n,
                    RedisStats.sum(writes, RedisStats.SCRIPTS) / (double) n, writes.getOrDefault("zcard", 0L) / (double) n,
                    RedisStats.sumExceptHarness(writes) / (double) n, fanoutSeconds, after[0], before[1], after[1], reads,
                    feedMetrics().getOrDefault("feed_hotcache_resident_authors", 0.0));
        }
    }

    /**
     * Publish to the last active inbox for an author with 100k followers, which only the push
     * tier fans out: the stack is switched to push-all (if not already) and every follower, then
     * 20 % of them, made active.
     */
    private void delivery100k() throws Exception {
        tiers.apply(TierModes.PUSH_ALL);
        String[] row = psql("SELECT id, follower_count FROM users ORDER BY follower_count DESC LIMIT 1").strip().split("\\|");
        long author = Long.parseLong(row[0]);
        long followerCount = Long.parseLong(row[1]);
        if (followerCount < 100_000) {
            report.note("delivery100k: the most-followed author has only " + followerCount + " followers (seed with --celebrity-followers 100000)");
        }
        List<Long> followers = followersOf(author);
        tokens.forUser(author);
        Map<String, Histogram> curves = new LinkedHashMap<>();
        if (delivery10k != null) {
            curves.put(delivery10kFollowers + " followers, all active (hybrid)", delivery10k);
        }
        int samples = quick ? 3 : 10;
        for (int percent : List.of(100, 20)) {
            redisStats.clearInboxes();
            List<Long> active = new ArrayList<>(followers);
            Collections.shuffle(active, new Random(3));
            active = active.subList(0, followers.size() * percent / 100);
            redisStats.activate(active, 86_400_000L);
            Histogram h = deliveryProbes(author, active.size(), samples, "100k delivery probe (" + percent + " % active)");
            curves.put(followerCount + " followers, " + percent + " % active", h);
            double perSec = active.size() / Math.max(0.001, h.getValueAtPercentile(50) / 1e6);
            report.figure("delivery latency", "publish to last active inbox, p50 (" + followerCount + " followers, " + percent + " % active)",
                    h.getValueAtPercentile(50) / 1000.0, "ms", delivery10k == null ? null : "p50 at " + delivery10kFollowers + " followers",
                    delivery10k == null ? null : delivery10k.getValueAtPercentile(50) / 1000.0,
                    h.getTotalCount() + " posts, push tier (stack in push-all); goal < 5000 ms at 100k");
            report.figure("delivery latency", "publish to last active inbox, max (" + followerCount + " followers, " + percent + " % active)",
                    h.getMaxValue() / 1000.0, "ms", null, null, "insertions/s at the median: " + Math.round(perSec));
        }
        redisStats.clearInboxes();
        Chart.percentiles("Delivery latency: publish to the last active inbox", curves, report.chart("delivery-percentiles.png"));
    }

    // ---- plumbing ------------------------------------------------------------------------

    /** Publishes {@code perAuthor} rounds over the authors, 32 in flight; returns the 201 bodies. */
    private List<JsonNode> publish(List<Long> authors, int perAuthor, String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        int failed = 0;
        for (int round = 0; round < perAuthor; round++) {
            for (long author : authors) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts"))
                        .header("Authorization", "Bearer " + tokens.forUser(author))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + " " + round + " by " + author + "\"}")).build();
                inFlight.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
                if (inFlight.size() >= 32) {
                    failed += drain(inFlight, out);
                }
            }
        }
        failed += drain(inFlight, out);
        if (failed > 0) {
            report.note(text + ": " + failed + " publishes failed");
        }
        return out;
    }

    private int drain(List<CompletableFuture<HttpResponse<String>>> inFlight, List<JsonNode> out) throws Exception {
        int failed = 0;
        for (var f : inFlight) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            if (r.statusCode() == 201) {
                out.add(JSON.readTree(r.body()));
            } else {
                failed++;
            }
        }
        inFlight.clear();
        return failed;
    }

    private List<Long> followersOf(long author) {
        List<Long> ids = new ArrayList<>();
        for (String line : psql("SELECT follower_id FROM follows WHERE followee_id = " + author).split("\n")) {
            if (!line.isBlank()) {
                ids.add(Long.parseLong(line.strip()));
            }
        }
        return ids;
    }

    private static long pick(List<Long> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    private String metrics(String baseUrl) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Every reader's first read (an inbox rebuild), spread evenly over {@link #ACTIVATION_SPREAD}.
     * feed-service keeps per-reader state for 30 s after it is written (followee lists, and the
     * "known empty" mark of a reader's own outbox), without jitter: readers activated in one burst
     * all expire together, and every 30 s the whole population refetches its followees from
     * relation-service at once (measured: ~100 calls/s in waves, feed-service's own mean latency
     * 3 ms between waves, 27 ms in them). A real population's entries have all ages; spreading
     * the first reads over the lifetime gives the measured windows the same.
     */
    private void activate(LoadClient load, List<Long> readers, String label) {
        double rate = Math.max(1, readers.size() / (double) ACTIVATION_SPREAD.toSeconds());
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        // At most 32 first reads in flight: where rebuilds are slower than readers/30 s (the full
        // graph, pull-all) the pass takes longer instead of queueing thousands and tripping 503s.
        OpenLoad.Result r = OpenLoad.run(label + " activation", rate, Duration.ofMillis((long) Math.ceil(readers.size() * 1000 / rate)), 32,
                () -> load.get(TIMELINE, tokens.forUser(readers.get(Math.min(next.getAndIncrement(), readers.size() - 1)))));
        System.out.printf("    %s: %d readers active (first read, rebuild) over %.1f s, %d failed %s, p50 %.1f ms p99 %.1f ms%n", label,
                readers.size(), r.duration().toMillis() / 1e3, r.errors(), r.errorKinds(), r.p(50), r.p(99));
        if (r.errors() > 0) {
            report.note(String.format("%s: %d of %d first reads (inbox rebuilds) failed %s; p99 of the first reads %.0f ms", label, r.errors(),
                    readers.size(), r.errorKinds(), r.p(99)));
        }
    }

    private static final Duration ACTIVATION_SPREAD = Duration.ofSeconds(30);

    /** feed-service counters summed over tags: hot-cache hits/misses, outbox reads. */
    private Map<String, Double> feedMetrics() throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : metrics(feedManagementUrl).split("\n")) {
            if (line.startsWith("feed_hotcache_") || line.startsWith("feed_timeline_outbox_reads")) {
                String name = line.contains("{") ? line.substring(0, line.indexOf('{')) : line.split(" ")[0];
                m.merge(name, lastNumber(line), Double::sum);
            }
        }
        return m;
    }

    private static double lastNumber(String line) {
        String[] parts = line.split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
    }

    private String psql(String sql) {
        return Shell.run(List.of("psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", String.valueOf(pgPort), "-U", "feed", "-d", "feed",
                "-v", "ON_ERROR_STOP=1", "-c", sql), Map.of("PGPASSWORD", env("FEED_PG_PASSWORD", "feed")));
    }

    private void step(String name, Step body) {
        System.out.println("==> " + name);
        long t0 = System.nanoTime();
        try {
            body.run();
        } catch (Exception e) {
            report.note(name + " failed: " + e);
            System.out.println("    failed: " + e);
            e.printStackTrace(System.out);
        } finally {
            System.out.printf("    (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
