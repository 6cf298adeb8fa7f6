package dev.feed.perf;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What a dependency failure costs a reader (issue 15): {@code GET /v1/timeline} at a constant
 * open-model rate (as the bench's timeline scenario, latency from each request's due time) while
 * one dependency of the running local stack is taken away with {@code ./feed stop NAME} and
 * brought back with {@code ./feed start NAME}: first relation-service, then Redis. Per phase
 * (before, during, restarting = until {@code ./feed start} returns, after) it prints the error
 * rate, the share of pages marked {@code "degraded": true}, p50/p99/max, and writes the same
 * table to {@code perf/reports/outage-<time>.md}. {@code perf/outage/run.sh} runs it.
 *
 * <p>Knobs: FEED_BENCH_OUTAGE_RATE (requests/s, 50), FEED_BENCH_OUTAGE_READERS (200),
 * FEED_BENCH_OUTAGE_SECONDS (length of the before, during and after phases, 20).
 */
public final class Outage {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String feed;
    private final String relation;
    private final Tokens tokens;
    private final Path feedScript;
    private final AtomicLong degraded = new AtomicLong();
    private final List<Row> rows = new ArrayList<>();

    private Outage(String feed, String relation, Tokens tokens, Path feedScript) {
        this.feed = feed;
        this.relation = relation;
        this.tokens = tokens;
        this.feedScript = feedScript;
    }

    /** One phase's figures. */
    record Row(String dependency, String phase, OpenLoad.Result result, long degraded) {
        double errorPercent() {
            return result.requests() == 0 ? 0 : 100.0 * result.errors() / result.requests();
        }

        double degradedPercent() {
            return result.requests() == 0 ? 0 : 100.0 * degraded / result.requests();
        }

        String line() {
            return String.format("| %s | %s | %.0f s | %d | %.2f %% %s | %.1f %% | %.1f | %.1f | %.1f |", dependency, phase,
                    result.duration().toMillis() / 1000.0, result.requests(), errorPercent(),
                    result.errorKinds().isEmpty() ? "" : result.errorKinds().toString(), degradedPercent(), result.p(50),
                    result.p(99), result.histogram().getMaxValue() / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("FEED_ROOT", ".")).toAbsolutePath();
        Path local = Path.of(System.getenv().getOrDefault("FEED_LOCAL", root.resolve(".local").toString()));
        double rate = Double.parseDouble(System.getenv().getOrDefault("FEED_BENCH_OUTAGE_RATE", "50"));
        int readers = Integer.parseInt(System.getenv().getOrDefault("FEED_BENCH_OUTAGE_READERS", "200"));
        Duration phase = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("FEED_BENCH_OUTAGE_SECONDS", "20")));
        Outage o = new Outage("http://127.0.0.1:" + System.getenv().getOrDefault("FEED_SERVICE_PORT", "8080"),
                "http://127.0.0.1:" + System.getenv().getOrDefault("FEED_RELATION_PORT", "8081"),
                new Tokens(local.resolve("keys"), "https://feed.local"), root.resolve("feed"));
        String loadStart = loadAverage();
        System.out.printf("outage bench: GET /v1/timeline at %.0f/s over %d readers; phases of %d s; machine: %d cores, load average %s%n",
                rate, readers, phase.toSeconds(), Runtime.getRuntime().availableProcessors(), loadStart);
        List<Long> readerIds = o.seed(readers);
        try (LoadClient client = new LoadClient(o.feed, 16)) {
            o.load(client, readerIds, rate, Duration.ofSeconds(10), "warm-up", "warm-up"); // JIT, caches, inboxes: not reported
            o.rows.clear();
            for (String dependency : List.of("relation-service", "redis")) {
                o.outage(client, readerIds, rate, phase, dependency);
            }
        }
        String loadEnd = loadAverage();
        o.report(root, rate, readers, phase, loadStart, loadEnd);
    }

    /** before, stop, during, start (reads go on until it returns), after. */
    private void outage(LoadClient client, List<Long> readers, double rate, Duration phase, String dependency) {
        load(client, readers, rate, phase, dependency, "before");
        feed("stop", dependency);
        load(client, readers, rate, phase, dependency, "during (stopped)");
        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> feed("start", dependency));
        List<OpenLoad.Result> slices = new ArrayList<>();
        long degradedBefore = degraded.get();
        while (!start.isDone()) {
            slices.add(OpenLoad.run("restarting", rate, Duration.ofSeconds(5), 256, client.sender(),
                    () -> read(client, readers)));
        }
        start.join();
        rows.add(new Row(dependency, "restarting (until ./feed start returned)", merge("restarting", rate, slices),
                degraded.get() - degradedBefore));
        System.out.println("    " + rows.get(rows.size() - 1).line());
        load(client, readers, rate, phase, dependency, "after");
    }

    private void load(LoadClient client, List<Long> readers, double rate, Duration duration, String dependency, String phase) {
        long degradedBefore = degraded.get();
        OpenLoad.Result r = OpenLoad.run(phase, rate, duration, 256, client.sender(), () -> read(client, readers));
        rows.add(new Row(dependency, phase, r, degraded.get() - degradedBefore));
        System.out.println("    " + rows.get(rows.size() - 1).line());
    }

    private CompletableFuture<Integer> read(LoadClient client, List<Long> readers) {
        long reader = readers.get(ThreadLocalRandom.current().nextInt(readers.size()));
        return client.get("/v1/timeline?limit=20", tokens.forUser(reader), body -> {
            if (body.toString().contains("\"degraded\":true")) {
                degraded.incrementAndGet();
            }
        });
    }

    private static OpenLoad.Result merge(String name, double rate, List<OpenLoad.Result> slices) {
        Histogram h = new Histogram(3);
        Histogram lag = new Histogram(3);
        long requests = 0;
        long errors = 0;
        Duration took = Duration.ZERO;
        Map<String, Long> kinds = new TreeMap<>();
        for (OpenLoad.Result s : slices) {
            h.add(s.histogram());
            lag.add(s.sendLag());
            requests += s.requests();
            errors += s.errors();
            took = took.plus(s.duration());
            s.errorKinds().forEach((k, v) -> kinds.merge(k, v, Long::sum));
        }
        double achieved = took.isZero() ? 0 : requests / (took.toMillis() / 1000.0);
        return new OpenLoad.Result(name, rate, achieved, requests, errors, h, took, lag, 0, 0, kinds);
    }

    /** 10 authors with 5 posts each; readers with profiles, each following 3 of them (push tier). */
    private List<Long> seed(int readerCount) throws Exception {
        long base = ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 2_000_000_000_000L);
        List<Long> authors = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long author = base + i;
            authors.add(author);
            profile(author);
            for (int p = 0; p < 5; p++) {
                send("POST", feed + "/v1/posts", author, "{\"text\":\"outage bench post " + p + "\"}");
            }
        }
        List<Long> readers = new ArrayList<>();
        for (int i = 0; i < readerCount; i++) {
            long reader = base + 1000 + i;
            readers.add(reader);
            profile(reader);
            for (int k = 0; k < 3; k++) {
                send("PUT", relation + "/v1/users/me/following/" + authors.get((i + k) % authors.size()), reader, null);
            }
        }
        tokens.warm(readers);
        Thread.sleep(5_000); // fanout of the follows' merges
        System.out.printf("    seeded 10 authors (50 posts) and %d readers following 3 each%n", readerCount);
        return readers;
    }

    private void profile(long user) {
        send("PUT", relation + "/v1/users/me", user, "{\"handle\":\"ob" + Long.toString(user, 36) + "\",\"displayName\":\"Outage bench\"}");
    }

    private void send(String method, String url, long user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.forUser(user))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void feed(String action, String name) {
        long t0 = System.nanoTime();
        Shell.run(List.of("bash", feedScript.toString(), action, name), Map.of());
        System.out.printf("    ./feed %s %s took %.1f s%n", action, name, (System.nanoTime() - t0) / 1e9);
    }

    private void report(Path root, double rate, int readers, Duration phase, String loadStart, String loadEnd) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Outage: what a dependency failure costs a reader\n\n");
        md.append(String.format("Command: `perf/outage/run.sh` (`dev.feed.perf.Outage`), %s UTC.%n%n",
                LocalDateTime.now(ZoneOffset.UTC).withNano(0)));
        md.append(String.format("Load: `GET /v1/timeline?limit=20` at %.0f requests/s (open model, latency from each request's due"
                + " time), %d readers each following 3 of 10 authors; phases of %d s. Machine: %d cores, shared with other"
                + " developers' builds and stacks, everything co-located; load average %s at start, %s at end.%n%n",
                rate, readers, phase.toSeconds(), Runtime.getRuntime().availableProcessors(), loadStart, loadEnd));
        md.append("| dependency | phase | length | requests | errors | degraded pages | p50 ms | p99 ms | max ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(r.line()).append('\n');
        }
        Path out = root.resolve("perf/reports/outage-" + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("written to " + out);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
