package dev.feed.perf;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Issue 13 item 4, bounded work per request, in figures: a returning reader's first read (an inbox
 * rebuild) at 500 and 5,000 followees, and a page below the Redis window at 5,000 followees, each
 * against its baseline in the same run: feed-service restarted with
 * {@code FEED_TIMELINE_REBUILD_FIRST_LOAD=800} (the earlier rebuild: every push-tier followee's 800
 * newest refs at once) and {@code FEED_TIMELINE_ARCHIVE_STRATEGY=per-author} (one Cassandra walk
 * per followee). The same run also times first reads after every followee's outbox was unlinked (a
 * rebuild from Cassandra, as after a Redis loss) with their Cassandra round trips: batched month
 * reads against the per-author walks of the baseline. Followees are users 2..5001 of the seeded graph, each given posts through the API
 * (so their outboxes and Cassandra hold them: the readers are returning, the authors active).
 */
final class FolloweeScale {
    private static final Pattern ARCHIVE_QUERIES = Pattern.compile("(?m)^feed_timeline_archive_queries_total(?:\\{[^}]*})? ([0-9.eE+]+)$");

    private final boolean quick;
    private final int users;
    private final String feedUrl;
    private final String feedManagementUrl;
    private final int redisPort;
    private final Tokens tokens;
    private final Report report;
    private final Services services;
    private final Function<String, String> psql;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    FolloweeScale(boolean quick, int users, String feedUrl, String feedManagementUrl, int redisPort, Tokens tokens, Report report, Services services,
            Function<String, String> psql) {
        this.quick = quick;
        this.users = users;
        this.feedUrl = feedUrl;
        this.feedManagementUrl = feedManagementUrl;
        this.redisPort = redisPort;
        this.tokens = tokens;
        this.report = report;
        this.services = services;
        this.psql = psql;
    }

    /** One configuration's figures. */
    private record Run(Histogram rebuild500, Histogram rebuild5000, Histogram deepPage, double archiveQueriesPerDeepPage,
            Histogram cold500, Histogram cold5000, double archiveQueriesPerCold5000) {
    }

    void run() throws Exception {
        int readers = quick ? 10 : 30;
        long first500 = users + 2_000L;
        long first5000 = users + 3_000L;
        follow(first500, readers, 500);
        follow(first5000, readers, 5_000);
        int perAuthor = quick ? 2 : 3;
        if (postsOf(2, first500) >= perAuthor && postsOf(5_001, first500) >= perAuthor) {
            // A rerun on the same graph (e.g. before and after a change): the same data, and 10 minutes saved on a busy machine.
            System.out.println("    followees already have their posts from an earlier run: not published again");
        } else {
            publishPosts(5_000, perAuthor);
        }
        Run bounded = measure("defaults", first500, first5000, readers);
        Run baseline;
        services.restart("feed-service", List.of("FEED_TIMELINE_REBUILD_FIRST_LOAD=800", "FEED_TIMELINE_ARCHIVE_STRATEGY=per-author"));
        try {
            baseline = measure("baseline", first500, first5000, readers);
        } finally {
            services.restart("feed-service", List.of());
        }
        String conditions = readers + " readers per size, sequential, first read after UNLINK of inbox and floor; feed-service -Xmx384m; "
                + "every store and service on one shared 2-core machine";
        String baseName = "FIRST_LOAD=800";
        figure("rebuild", "first read p50, 500 followees", bounded.rebuild500(), 50, baseName, baseline.rebuild500(), conditions);
        figure("rebuild", "first read p99, 500 followees", bounded.rebuild500(), 99, baseName, baseline.rebuild500(), "goal < 50 ms");
        figure("rebuild", "first read p50, 5,000 followees", bounded.rebuild5000(), 50, baseName, baseline.rebuild5000(), conditions);
        figure("rebuild", "first read p99, 5,000 followees", bounded.rebuild5000(), 99, baseName, baseline.rebuild5000(), "goal < 200 ms");
        figure("deep page", "page below the Redis window p50, 5,000 followees", bounded.deepPage(), 50, "per-author", baseline.deepPage(),
                "limit 20, cursor after the 1,000th item; " + conditions);
        figure("deep page", "page below the Redis window p99, 5,000 followees", bounded.deepPage(), 99, "per-author", baseline.deepPage(), null);
        report.figure("deep page", "Cassandra round trips per page below the window, 5,000 followees", bounded.archiveQueriesPerDeepPage(),
                "queries", "per-author", baseline.archiveQueriesPerDeepPage(), "feed_timeline_archive_queries_total delta / pages");
        String coldNote = "first read after UNLINK of inbox, floor and every followee's outbox (as after a Redis loss): the rebuild reads "
                + "Cassandra; baseline: per-author walks (FEED_TIMELINE_ARCHIVE_STRATEGY=per-author, the cold path before batching)";
        figure("cold rebuild", "first read p50, 500 followees, outboxes lost", bounded.cold500(), 50, "per-author", baseline.cold500(), coldNote);
        figure("cold rebuild", "first read p99, 500 followees, outboxes lost", bounded.cold500(), 99, "per-author", baseline.cold500(), null);
        figure("cold rebuild", "first read p50, 5,000 followees, outboxes lost", bounded.cold5000(), 50, "per-author", baseline.cold5000(), null);
        figure("cold rebuild", "first read p99, 5,000 followees, outboxes lost", bounded.cold5000(), 99, "per-author", baseline.cold5000(), null);
        report.figure("cold rebuild", "Cassandra round trips per first read, 5,000 followees, outboxes lost", bounded.archiveQueriesPerCold5000(),
                "queries", "per-author", baseline.archiveQueriesPerCold5000(), "feed_timeline_archive_queries_total delta / reads");
    }

    private void figure(String scenario, String metric, Histogram h, double percentile, String baseName, Histogram base, String note) {
        report.figure(scenario, metric, h.getValueAtPercentile(percentile) / 1000.0, "ms", baseName, base.getValueAtPercentile(percentile) / 1000.0,
                note);
    }

    /** Readers first..first+count-1 follow users 2..followees+1, written behind relation-service's back (counts put right). */
    private void follow(long first, int count, int followees) {
        long last = first + count - 1;
        psql.apply("INSERT INTO users (id, handle, display_name, updated_at) SELECT g, 'scale' || g, 'Scale ' || g, now() FROM generate_series("
                + first + "," + last + ") g ON CONFLICT DO NOTHING;"
                + "INSERT INTO follows (follower_id, followee_id) SELECT r, f FROM generate_series(" + first + "," + last + ") r, generate_series(2, "
                + (followees + 1) + ") f ON CONFLICT DO NOTHING;"
                + "UPDATE users u SET follower_count = c.n FROM (SELECT followee_id, count(*) AS n FROM follows WHERE followee_id BETWEEN 2 AND "
                + (followees + 1) + " GROUP BY followee_id) c WHERE u.id = c.followee_id AND u.follower_count <> c.n;"
                + "UPDATE users SET following_count = " + followees + " WHERE id BETWEEN " + first + " AND " + last + ";");
    }

    /** How many of the author's posts the bench published (up to 10), as the reader sees the author's listing. */
    private int postsOf(long author, long reader) throws Exception {
        HttpRequest list = HttpRequest.newBuilder(URI.create(feedUrl + "/v1/users/" + author + "/posts?limit=10"))
                .header("Authorization", "Bearer " + tokens.forUser(reader)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r = http.send(list, HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body().split("\"text\":\"scale ", -1).length - 1 : 0;
    }

    /** {@code perAuthor} posts by each of users 2..authors+1 through the API, 32 in flight. */
    private void publishPosts(int authors, int perAuthor) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int round = 0; round < perAuthor; round++) {
            for (long author = 2; author <= authors + 1; author++) {
                inFlight.acquire();
                HttpRequest post = HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts"))
                        .header("Authorization", "Bearer " + tokens.forUser(author)).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"scale " + round + "\"}")).build();
                all.add(http.sendAsync(post, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    inFlight.release();
                    if (e != null || r.statusCode() != 201) {
                        failed.incrementAndGet();
                    }
                }));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        System.out.printf("    published %d posts (%d failed) in %.0f s%n", all.size(), failed.get(), (System.nanoTime() - t0) / 1e9);
    }

    private Run measure(String label, long first500, long first5000, int readers) throws Exception {
        System.out.println("    -- " + label);
        try (Resp redis = new Resp("127.0.0.1", redisPort)) {
            rebuilds(redis, first500, Math.min(5, readers), 1, null); // unmeasured: the read path compiles first
            rebuilds(redis, first5000, Math.min(5, readers), 1, null);
            Histogram r500 = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
            Histogram r5000 = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
            rebuilds(redis, first500, readers, quick ? 2 : 3, r500);
            rebuilds(redis, first5000, readers, quick ? 2 : 3, r5000);
            Histogram deep = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
            double before = archiveQueries();
            int pages = deepPages(first5000, readers, quick ? 3 : 5, deep);
            double perPage = (archiveQueries() - before) / Math.max(1, pages);
            System.out.printf("    rebuild p99 500: %.1f ms, 5,000: %.1f ms; deep page p99 %.1f ms, %.1f archive queries per page%n",
                    r500.getValueAtPercentile(99) / 1000.0, r5000.getValueAtPercentile(99) / 1000.0, deep.getValueAtPercentile(99) / 1000.0, perPage);
            int coldReaders = quick ? 3 : 8;
            Histogram c500 = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            Histogram c5000 = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            coldRebuilds(redis, first500, 500, coldReaders, c500);
            double coldBefore = archiveQueries();
            coldRebuilds(redis, first5000, 5_000, coldReaders, c5000);
            double perCold = (archiveQueries() - coldBefore) / coldReaders;
            System.out.printf("    cold rebuild p99 500: %.1f ms, 5,000: %.1f ms, %.1f archive queries per 5,000-followee cold rebuild%n",
                    c500.getValueAtPercentile(99) / 1000.0, c5000.getValueAtPercentile(99) / 1000.0, perCold);
            return new Run(r500, r5000, deep, perPage, c500, c5000, perCold);
        }
    }

    private void rebuilds(Resp redis, long first, int readers, int rounds, Histogram into) throws Exception {
        for (int round = 0; round < rounds; round++) {
            for (long reader = first; reader < first + readers; reader++) {
                redis.call("UNLINK", "inbox:{" + reader + "}", "inbox-floor:{" + reader + "}");
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(get(reader, 20, null), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("first read of reader " + reader + ": " + r.statusCode() + " " + r.body());
                }
                if (into != null) {
                    into.recordValue((System.nanoTime() - t0) / 1000);
                }
            }
        }
    }

    /** First reads with every followee's outbox (users 2..followees+1) and the reader's own gone too, as after a Redis loss. */
    private void coldRebuilds(Resp redis, long first, int followees, int readers, Histogram into) throws Exception {
        for (long reader = first; reader < first + readers; reader++) {
            List<Object> keys = new ArrayList<>(followees + 4);
            keys.add("UNLINK");
            keys.add("inbox:{" + reader + "}");
            keys.add("inbox-floor:{" + reader + "}");
            keys.add("outbox:{" + reader + "}");
            for (long author = 2; author <= followees + 1; author++) {
                keys.add("outbox:{" + author + "}");
            }
            redis.call(keys.toArray());
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(get(reader, 20, null), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("cold first read of reader " + reader + ": " + r.statusCode() + " " + r.body());
            }
            into.recordValue((System.nanoTime() - t0) / 1000);
        }
    }

    /** Per reader: pages of 100 to past the 1,000th item (below the 800-entry inbox), then that page read {@code repeats} times. */
    private int deepPages(long first, int readers, int repeats, Histogram into) throws Exception {
        int pages = 0;
        for (long reader = first; reader < first + readers; reader++) {
            String cursor = null;
            for (int i = 0; i < 10; i++) {
                cursor = nextCursor(http.send(get(reader, 100, cursor), HttpResponse.BodyHandlers.ofString()).body());
                if (cursor == null) {
                    throw new IllegalStateException("reader " + reader + " has fewer than 1,000 items: publish more posts");
                }
            }
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(get(reader, 20, cursor), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("deep page of reader " + reader + ": " + r.statusCode() + " " + r.body());
                }
                into.recordValue((System.nanoTime() - t0) / 1000);
                pages++;
            }
        }
        return pages;
    }

    private static String nextCursor(String body) {
        Matcher m = Pattern.compile("\"nextCursor\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private HttpRequest get(long reader, int limit, String cursor) {
        String url = feedUrl + "/v1/timeline?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + tokens.forUser(reader))
                .timeout(Duration.ofSeconds(60)).GET().build();
    }

    private double archiveQueries() throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(feedManagementUrl + "/q/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = ARCHIVE_QUERIES.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
