package dev.feed.perf.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.feed.perf.Report;
import dev.feed.perf.Tokens;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * {@code ./feed chaos [--quick]}: on the cluster topology, a bounded workload runs while one
 * fault at a time is injected (a Kafka partition leader, a Cassandra node, a Redis master, a
 * fanout-worker replica in the middle of a large fanout, a feed-service and a relation-service
 * replica; each back before the next), then {@link Checker} compares every acknowledged write with
 * what the system holds. Report: perf/reports/chaos-&lt;stamp&gt;.{md,json,png}. Exit status 1 when
 * anything was lost, doubled or out of order. Expects the services started with the settings
 * perf/chaos/chaos.sh gives them (low tier thresholds, small batches, short inbox TTL).
 */
public final class Chaos {
    private final boolean quick;
    /** Seconds after a fault's node is back (cluster whole) during which failures still count as the fault's (FEED_CHAOS_GRACE_S, default 5). */
    private final double graceS = Double.parseDouble(env("FEED_CHAOS_GRACE_S", "5"));
    private final Outcomes outcomes = new Outcomes();
    private final Model model = new Model();
    private final Api api;
    private final Faults faults;
    private final Checker checker;
    private final Path reports;
    private final List<Faults.Fault> injected = new ArrayList<>();
    private Workload workload;
    private Workload.Users users;

    private Chaos(boolean quick) throws Exception {
        this.quick = quick;
        Path root = Path.of(env("FEED_ROOT", "."));
        Path local = Path.of(env("FEED_LOCAL", root.resolve(".local").toString()));
        Tokens tokens = new Tokens(local.resolve("keys"), env("FEED_JWT_ISSUER", "https://feed.local"));
        this.api = new Api("http://127.0.0.1:" + env("FEED_SERVICE_PORT", "8080"), "http://127.0.0.1:" + env("FEED_RELATION_PORT", "8081"),
                tokens, outcomes, Duration.ofSeconds(10));
        int kafka = Integer.parseInt(env("FEED_CLUSTER_KAFKA_PORT", "39092"));
        this.faults = new Faults(root, "127.0.0.1:" + kafka + ",127.0.0.1:" + (kafka + 1) + ",127.0.0.1:" + (kafka + 2),
                Integer.parseInt(env("FEED_CLUSTER_REDIS_PORT", "36379")), Integer.parseInt(env("FEED_CLUSTER_CASSANDRA_JMX_PORT", "37199")), outcomes);
        int cql = Integer.parseInt(env("FEED_CLUSTER_CASSANDRA_PORT", "39042"));
        this.checker = new Checker(api, model, List.of(new InetSocketAddress("127.0.0.1", cql), new InetSocketAddress("127.0.0.2", cql),
                new InetSocketAddress("127.0.0.3", cql)), "feed");
        this.reports = Path.of(env("FEED_BENCH_REPORTS", root.resolve("perf/reports").toString()));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int status;
        try {
            status = new Chaos(quick).run();
        } catch (Exception | Error e) {
            // The workload's threads are not daemons: without the exit a failed step (a node that
            // did not come back) left the JVM running the workload forever.
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    private int run() throws Exception {
        long t0 = System.nanoTime();
        setUp();
        workload.start(quick ? 400 : 250);
        Faults.sleep(Duration.ofSeconds(3));
        injectFaults();
        Faults.sleep(Duration.ofSeconds(3));
        workload.stop();
        System.out.printf("  %6.1fs workload stopped; re-issuing ambiguous writes%n", outcomes.now());
        int unresolved = workload.resolve(Duration.ofSeconds(90));
        System.out.printf("  %6.1fs checking (unresolved writes: %d)%n", outcomes.now(), unresolved);
        List<Long> readers = new ArrayList<>(users.all());
        Checker.Result result = checker.check(readers, users.all(), Duration.ofSeconds(quick ? 60 : 90));
        double seconds = (System.nanoTime() - t0) / 1e9;
        FaultWindows.Accounting accounting = new FaultWindows(graceS).account(injected, outcomes.samples());
        boolean pass = result.clean() && unresolved == 0 && model.idempotencyViolations.isEmpty() && accounting.outside().isEmpty();
        write(result, accounting, unresolved, seconds, pass);
        if (!accounting.outside().isEmpty()) {
            System.out.printf("  FAILED: %d requests unavailable outside every fault window (+%.0f s grace): %s%n", accounting.outside().size(),
                    graceS, accounting.outsideByOutcome());
        }
        System.out.printf("faults %d, posts %d, lost %d, duplicated %d%n", injected.size(), model.posts().size(), result.lost(),
                result.duplicated() + model.idempotencyViolations.size());
        return pass ? 0 : 1;
    }

    // ------------------------------------------------------------------ setup

    /**
     * Users with fresh ids (a run never meets an earlier run's data): two pull-tier authors followed
     * by every reader, one push-tier author with many followers (the large fanout: many batches at
     * the small batch size chaos.sh sets), push-tier authors each followed by a few readers. Every
     * reader reads once, so each has an inbox; half keep reading (active), the others stop and
     * come back at the check, after their inbox expired (returning readers).
     */
    private void setUp() throws Exception {
        int pullAt = Integer.parseInt(env("FEED_TIER_PULL_AT", "60"));
        // As few readers as make two pull-tier authors (every reader follows them): setup and check time grow with readers.
        int readers = Integer.parseInt(env("FEED_CHAOS_READERS", String.valueOf(quick ? pullAt + 15 : pullAt * 2)));
        int pushAuthors = quick ? 10 : 16;
        if (readers < pullAt + 10) {
            throw new IllegalStateException("readers (" + readers + ") must exceed FEED_TIER_PULL_AT (" + pullAt + ") to make pull-tier authors");
        }
        long base = (System.currentTimeMillis() / 1000 % 10_000_000L) * 1000 + 1_000_000_000L;
        List<Long> pull = List.of(base + 1, base + 2);
        long big = base + 3;
        List<Long> push = new ArrayList<>();
        for (int i = 0; i < pushAuthors; i++) {
            push.add(base + 4 + i);
        }
        List<Long> readerIds = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            readerIds.add(base + 100 + i);
        }
        List<Long> all = new ArrayList<>(pull);
        all.add(big);
        all.addAll(push);
        all.addAll(readerIds);
        users = new Workload.Users(pull, big, push, readerIds.subList(0, readers / 2), all);
        workload = new Workload(api, model, users);
        System.out.printf("  setup: %d users from id %d (%d readers, pull-tier authors %s, large-fanout author %d)%n", all.size(), base,
                readers, pull, big);
        parallel(all, u -> must(() -> api.putProfile(u), "profile of " + u));
        List<long[]> edges = new ArrayList<>();
        var rnd = new java.util.Random(base);
        int bigFollowers = Math.min(readers, pullAt * 2 / 3);
        for (int i = 0; i < readers; i++) {
            long r = readerIds.get(i);
            pull.forEach(a -> edges.add(new long[] {r, a}));
            if (i < bigFollowers) {
                edges.add(new long[] {r, big});
            }
            for (int k = 0; k < 3; k++) {
                edges.add(new long[] {r, push.get(rnd.nextInt(push.size()))});
            }
        }
        parallel(edges, e -> {
            if (!model.followees(e[0]).contains(e[1])) {
                must(() -> api.follow(e[0], e[1]), "follow " + e[0] + " -> " + e[1]);
                model.edge(e[0], e[1], true, true);
            }
        });
        System.out.printf("  %6.1fs setup: %d profiles, %d follows; a few posts by every author%n", outcomes.now(), all.size(), edges.size());
        List<Long> authors = new ArrayList<>(pull);
        authors.add(big);
        authors.addAll(push);
        parallel(authors, a -> {
            for (int i = 0; i < 3; i++) {
                workload.publish(a);
            }
        });
        parallel(readerIds, r -> api.timeline(r, null, 20));
        System.out.printf("  %6.1fs setup done: every reader has read once%n", outcomes.now());
    }

    /** Setup calls are idempotent: an ambiguous answer (a busy machine's timeout, a 503) is retried a few times. */
    private static void must(java.util.function.Supplier<Api.Call> call, String what) {
        Api.Call c = call.get();
        for (int attempt = 1; attempt < 10 && c.ambiguous(); attempt++) {
            Faults.sleep(Duration.ofSeconds(1));
            c = call.get();
        }
        if (!c.ok()) {
            throw new IllegalStateException(what + " answered " + c.status() + " " + c.body());
        }
    }

    private static <T> void parallel(List<T> items, java.util.function.Consumer<T> action) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> action.accept(item)));
        }
        pool.shutdown();
        for (var f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                pool.shutdownNow();
                throw new IllegalStateException(e.getCause());
            }
        }
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    // ------------------------------------------------------------------ faults

    private void injectFaults() {
        int rounds = quick ? 1 : 2;
        Duration hold = Duration.ofSeconds(quick ? 8 : 15);
        for (int round = 0; round < rounds; round++) {
            String broker = round == 0 ? faults.kafkaLeaderOf("feed.posts") : faults.kafkaController();
            fault("kafka", broker, round == 0 ? "leader of feed.posts partition 0" : "active KRaft controller", hold,
                    () -> Faults.await(() -> faults.kafkaFullyReplicated(List.of("feed.posts", "feed.fanout-batches")), Duration.ofSeconds(120)));
            // Held past failure detection (~19 s): until then coordinators still send to the dead node.
            fault("cassandra", round == 0 ? "cassandra-2" : "cassandra-3", "replica (RF 3, LOCAL_QUORUM)", Duration.ofSeconds(22),
                    () -> Faults.await(faults::cassandraAllUp, Duration.ofSeconds(120)));
            String master = faults.redisMaster(round);
            faultRedis(master, hold);
            faultFanout(round == 0 ? "fanout-worker-1" : "fanout-worker-2", hold);
            fault("feed-service", round == 0 ? "feed-service-1" : "feed-service-2", "replica behind HAProxy", hold, () -> true);
            fault("relation-service", round == 0 ? "relation-service-2" : "relation-service-1", "replica behind HAProxy", hold, () -> true);
        }
    }

    private void fault(String kind, String node, String detail, Duration hold, java.util.function.BooleanSupplier whole) {
        double killed = outcomes.now();
        faults.kill(node);
        Faults.sleep(hold);
        double started = outcomes.now();
        faults.start(node);
        if (!whole.getAsBoolean()) {
            System.out.println("  warn: " + kind + " not whole again in time after " + node);
        }
        double back = outcomes.now();
        injected.add(new Faults.Fault(kind, node, detail, killed, started, back));
        System.out.printf("  %6.1fs %s back (%s down %.0f s, whole after %.0f s)%n", back, node, kind, started - killed, back - killed);
        Faults.sleep(Duration.ofSeconds(quick ? 2 : 8));
    }

    /** A master dies; its replica is promoted; the old master comes back as a replica. */
    private void faultRedis(String master, Duration hold) {
        double killed = outcomes.now();
        faults.kill(master);
        Faults.await(() -> faults.redisServing(master), Duration.ofSeconds(30));
        System.out.printf("  %6.1fs redis serving every slot again (replica promoted)%n", outcomes.now());
        Faults.sleep(hold);
        double started = outcomes.now();
        faults.start(master);
        Faults.await(faults::redisFormed, Duration.ofSeconds(60));
        double back = outcomes.now();
        injected.add(new Faults.Fault("redis", master, "master (its replica promoted)", killed, started, back));
        System.out.printf("  %6.1fs %s back as a replica (whole after %.0f s)%n", back, master, back - killed);
        Faults.sleep(Duration.ofSeconds(quick ? 2 : 8));
    }

    /** The large-fanout author publishes; a worker replica dies while the batches are being written. */
    private void faultFanout(String worker, Duration hold) {
        Model.Post post = workload.publish(users.bigAuthor());
        System.out.printf("  %6.1fs large fanout: post %s by %d to %d followers%n", outcomes.now(), post == null ? "(pending)" : post.id(),
                users.bigAuthor(), model.followers(users.bigAuthor()));
        Faults.sleep(Duration.ofMillis(150));
        fault("fanout-worker", worker, "replica, mid large fanout", hold, () -> true);
    }

    // ------------------------------------------------------------------ report

    private void write(Checker.Result r, FaultWindows.Accounting accounting, int unresolved, double seconds, boolean pass) throws Exception {
        String stamp = "chaos-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Files.createDirectories(reports);
        List<Map<String, Object>> perFault = new ArrayList<>();
        for (FaultWindows.Cost c : accounting.perFault()) {
            Faults.Fault f = c.fault();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", f.kind());
            m.put("node", f.node());
            m.put("what", f.detail());
            m.put("killedAtS", round(f.killedAt()));
            m.put("downS", round(f.startedAt() - f.killedAt()));
            m.put("wholeAfterS", round(f.backAt() - f.killedAt()));
            m.put("unavailableS", c.unavailableSeconds());
            m.put("requests", c.requests());
            m.put("failedRequests", c.unavailable());
            m.put("p99Ms", round(c.p99Ms()));
            perFault.add(m);
        }
        List<Outcomes.Sample> samples = outcomes.samples();
        long failedAll = samples.stream().filter(Outcomes.Sample::unavailable).count();
        double p99All = p99(samples);
        List<String> outsideExamples = accounting.outside().stream().limit(20)
                .map(o -> String.format("%s at %.1f-%.1f s", o.outcome(), o.startS(), o.endS())).toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timestamp", stamp);
        json.put("mode", quick ? "quick" : "full");
        json.put("passed", pass);
        json.put("machine", Report.machine());
        json.put("seconds", round(seconds));
        json.put("faults", injected.size());
        json.put("posts", model.posts().size());
        json.put("deletes", model.posts().keySet().stream().filter(model::deleted).count());
        json.put("lost", r.lost());
        json.put("duplicated", r.duplicated() + model.idempotencyViolations.size());
        json.put("wrongOrder", r.wrongOrder);
        json.put("check", Map.ofEntries(Map.entry("postsCheckedInCassandra", r.postsChecked), Map.entry("lostInCassandra", r.lostInCassandra),
                Map.entry("deleteNotApplied", r.deleteNotApplied), Map.entry("extraInCassandra", r.extraInCassandra),
                Map.entry("readersChecked", r.readersChecked), Map.entry("readersDiffering", r.readersDiffering),
                Map.entry("timelineMissing", r.timelineMissing), Map.entry("timelineExtra", r.timelineExtra),
                Map.entry("timelineShownAfterDelete", r.timelineShownAfterDelete), Map.entry("readersUnreadable", r.readersUnreadable),
                Map.entry("timelineDuplicates", r.timelineDuplicates), Map.entry("countsChecked", r.countsChecked),
                Map.entry("countsWrong", r.countsWrong), Map.entry("unresolvedWrites", unresolved),
                Map.entry("idempotencyViolations", model.idempotencyViolations)));
        json.put("requests", Map.of("total", samples.size(), "unavailable", failedAll, "p99Ms", round(p99All), "failuresByOperation",
                outcomes.unexpected()));
        json.put("graceS", graceS);
        json.put("unavailableOutsideFaults", Map.of("count", accounting.outside().size(), "byOperation", accounting.outsideByOutcome(),
                "examples", outsideExamples));
        json.put("perFault", perFault);
        json.put("examples", r.examples);
        json.put("chart", stamp + ".png");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(reports.resolve(stamp + ".json").toFile(), json);
        chart(reports.resolve(stamp + ".png"));

        StringBuilder md = new StringBuilder();
        md.append("# Chaos report ").append(stamp).append(pass ? " (passed)" : " (FAILED)").append("\n\n");
        md.append("Command: `./feed chaos").append(quick ? " --quick" : "").append("`; machine ").append(Report.machine())
                .append(", shared with other developers' builds and tests; everything co-located on loopback. Run took ")
                .append(Math.round(seconds)).append(" s.\n\n");
        md.append(String.format("Posts acknowledged %d (deleted %s), checked in Cassandra %d: lost %d, delete not applied %d, extra %d. ",
                model.posts().size(), json.get("deletes"), r.postsChecked, r.lostInCassandra, r.deleteNotApplied, r.extraInCassandra));
        md.append(String.format("Timelines of %d readers read to the end: %d differ (missing %d, extra %d of which shown after their delete %d, "
                + "duplicates %d, wrong order %d, unreadable %d). ", r.readersChecked, r.readersDiffering, r.timelineMissing, r.timelineExtra,
                r.timelineShownAfterDelete, r.timelineDuplicates, r.wrongOrder, r.readersUnreadable));
        md.append(String.format("Counts of %d users: %d wrong. Writes still ambiguous after retries: %d. Idempotency violations: %d.%n%n",
                r.countsChecked, r.countsWrong, unresolved, model.idempotencyViolations.size()));
        md.append("| fault | node | what | down s | whole after s | unavailable s | requests | failed | p99 ms |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> m : perFault) {
            md.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", m.get("kind"), m.get("node"), m.get("what"), m.get("downS"),
                    m.get("wholeAfterS"), m.get("unavailableS"), m.get("requests"), m.get("failedRequests"), m.get("p99Ms")));
        }
        md.append(String.format("%nA fault's window runs from the kill until the cluster is whole again plus %.0f s grace; unavailable s = "
                + "seconds of the window with a request failing (5xx, timeout, refused) or in flight toward a timeout; failed = such requests; "
                + "p99 over the requests sent in the window.%n", graceS));
        md.append(String.format("%nAll requests: %d, unavailable %d, p99 %.1f ms. Failures by operation: %s%n", samples.size(), failedAll, p99All,
                outcomes.unexpected()));
        md.append(String.format("%nUnavailable outside every fault window: %d%s%n", accounting.outside().size(),
                accounting.outside().isEmpty() ? "" : " (the run fails on these) " + accounting.outsideByOutcome() + "; first: " + outsideExamples));
        if (!r.examples.isEmpty()) {
            md.append("\n## Differences found\n\n");
            r.examples.forEach(e -> md.append("- ").append(e).append('\n'));
        }
        md.append("\n![outcomes over time](").append(stamp).append(".png)\n\n");
        md.append(String.format("faults %d, posts %d, lost %d, duplicated %d%n", injected.size(), model.posts().size(), r.lost(),
                r.duplicated() + model.idempotencyViolations.size()));
        Files.writeString(reports.resolve(stamp + ".md"), md);
        System.out.println("  report: " + reports.resolve(stamp + ".md"));
    }

    /** Requests per second by outcome, fault windows shaded and labelled. */
    private void chart(Path png) throws java.io.IOException {
        int w = 1000;
        int h = 480;
        int l = 60;
        int rgt = 20;
        int top = 50;
        int bot = 50;
        Map<Long, Outcomes.Second> secs = outcomes.seconds();
        long maxX = secs.isEmpty() ? 1 : java.util.Collections.max(secs.keySet()) + 1;
        int maxY = 1;
        for (Outcomes.Second s : secs.values()) {
            maxY = Math.max(maxY, s.ok + s.failed + s.timedOut + s.rejected);
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int pw = w - l - rgt;
        int ph = h - top - bot;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (Faults.Fault f : injected) {
            int x0 = l + (int) (f.killedAt() / maxX * pw);
            int x1 = l + (int) (f.backAt() / maxX * pw);
            g.setColor(new Color(0xfde2e2));
            g.fillRect(x0, top, Math.max(2, x1 - x0), ph);
            g.setColor(new Color(0xb03030));
            g.drawString(f.node(), x0 + 2, top + 12 + 12 * (injected.indexOf(f) % 3));
        }
        g.setColor(Color.BLACK);
        g.drawRect(l, top, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Request outcomes per second during ./feed chaos" + (quick ? " --quick" : "") + " (faults shaded)", l, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            g.drawString(String.valueOf(maxY * i / 5), 10, top + ph - i * ph / 5 + 4);
            g.drawString(String.format("%d s", maxX * i / 5), l + i * pw / 5 - 10, top + ph + 16);
        }
        String[] names = {"ok", "failed (5xx/4xx)", "timed out / refused", "rate limited"};
        Color[] colors = {new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0xff7f0e)};
        g.setStroke(new BasicStroke(1.5f));
        for (int k = 0; k < 4; k++) {
            g.setColor(colors[k]);
            int px = -1;
            int py = -1;
            for (long t = 0; t < maxX; t++) {
                Outcomes.Second s = secs.get(t);
                int v = s == null ? 0 : k == 0 ? s.ok : k == 1 ? s.failed : k == 2 ? s.timedOut : s.rejected;
                int x = l + (int) ((double) t / maxX * pw);
                int y = top + ph - (int) ((double) v / maxY * ph);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString(names[k], l + pw - 150, top + ph - 60 + 14 * k);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static double p99(List<Outcomes.Sample> samples) {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
        samples.forEach(x -> h.recordValue(Math.max(1, Math.min((long) (x.latencyMs() * 1000), 3_600_000_000L - 1))));
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
