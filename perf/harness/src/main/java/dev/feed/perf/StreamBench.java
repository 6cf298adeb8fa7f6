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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Issue 16's figures ({@code ./feed bench --quick --only stream}), against the running local stack,
 * on users of its own (random ids far above the seeded graph):
 * <ol>
 * <li>publish-to-stream-event latency p50/p99 for readers of a push-tier and of a pull-tier author
 * (the post is sent by {@code POST /v1/posts}; latency = the event's arrival at each reader's open
 * stream minus the moment the publish was sent); baseline: the publish's own round trip;</li>
 * <li>open streams one feed-service instance holds, and its memory per stream: heap used after a
 * full GC ({@code jcmd GC.run}, then {@code jvm_memory_used_bytes{area="heap"}}) and process RSS,
 * with N streams of distinct users open against the same instance with none of them open;</li>
 * <li>{@code GET /v1/timeline} answered 304 (If-None-Match, nothing changed) against full pages
 * (no If-None-Match), the same readers in a closed loop, windows of the two alternating, and what each costs:
 * Redis commands per request (INFO commandstats deltas, harness commands left out) and
 * feed-service CPU per request (/proc/&lt;pid&gt;/stat delta / requests), both with and without the
 * idle background measured in the same run.</li>
 * </ol>
 * relation-service is restarted with a low tier threshold for the run (the pull-tier author needs
 * only a few hundred followers) and put back on its defaults at the end. Every stream belongs to a
 * user of its own, so the per-user limit (5) is never reached; feed-service is restarted with a
 * raised per-instance limit only when the streams asked for would pass its default (10,000).
 */
final class StreamBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIMELINE = "/v1/timeline?limit=20";
    /** feed-service's default FEED_STREAM_MAX_PER_INSTANCE. */
    private static final int INSTANCE_LIMIT = 10_000;
    /** One measured window of the 304/full comparison, and how many pairs of them. */
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int WINDOWS = 4;
    private static final int IN_FLIGHT = 16;

    private final boolean quick;
    private final String feed;
    private final String relation;
    private final String feedManagement;
    private final String relationManagement;
    private final String internalToken;
    private final Tokens tokens;
    private final Report report;
    private final Services services;
    private final RedisStats redisStats;
    private final Path local;
    /**
     * HTTP/1.1 on purpose: the JDK client's default (HTTP/2, with an h2c upgrade attempt) could put
     * the streams and the bench's other requests behind one connection's stream limit.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    /** Metrics and heap reads on a client of their own, so they never queue behind thousands of open streams. */
    /** Streams reopened by {@link #openAll} after the server ended them (reported with each phase). */
    private final AtomicLong reopens = new AtomicLong();
    private final HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    StreamBench(boolean quick, String feed, String relation, Tokens tokens, Report report, Services services, RedisStats redisStats,
            Path local) {
        this.quick = quick;
        this.feed = feed;
        this.relation = relation;
        this.feedManagement = Services.managementUrl("feed-service");
        this.relationManagement = Services.managementUrl("relation-service");
        this.internalToken = Services.internalToken(local);
        this.tokens = tokens;
        this.report = report;
        this.services = services;
        this.redisStats = redisStats;
        this.local = local;
    }

    void run() throws Exception {
        int readers = intEnv("FEED_BENCH_STREAM_READERS", quick ? 200 : 400);
        int pushReaders = intEnv("FEED_BENCH_STREAM_PUSH_READERS", readers / 4);
        int posts = intEnv("FEED_BENCH_STREAM_POSTS", quick ? 40 : 100);
        int held = intEnv("FEED_BENCH_STREAMS", quick ? 1000 : 3000);
        report.parameter("streamReaders", readers);
        report.parameter("streamPushReaders", pushReaders);
        report.parameter("streamPosts", posts);
        report.parameter("streamsHeld", held);
        report.parameter("loadAverageAtStreamStart", Report.loadAverage());
        report.note("stream: machine 2 cores, shared with other developers' builds and stacks, everything co-located (stores, three services,"
                + " the harness); load average at the start of the stream scenario: " + Report.loadAverage());
        boolean raised = held + readers > INSTANCE_LIMIT;
        if (raised) {
            services.restart("feed-service", List.of("FEED_STREAM_MAX_PER_INSTANCE=" + (held + readers + 1000)));
        }
        report.note("stream limits: every stream belongs to a user of its own (per-user limit 5 never reached); per-instance limit "
                + (raised ? "raised to " + (held + readers + 1000) + " for the run (FEED_STREAM_MAX_PER_INSTANCE, feed-service restarted)"
                        : "left at its default 10,000 (at most " + Math.max(held, readers) + " streams open at once)"));
        services.restart("relation-service", List.of("FEED_TIER_PULL_AT=" + (readers / 2), "FEED_TIER_PUSH_BELOW=" + (readers / 2 - 10)));
        try {
            Setup s = setUp(readers, pushReaders);
            latency(s, posts);
            capacity(held);
            conditional(s.readers);
        } finally {
            services.restart("relation-service", List.of());
            if (raised) {
                services.restart("feed-service", List.of());
            }
            report.parameter("loadAverageAtStreamEnd", Report.loadAverage());
            report.note("stream: load average at the end of the stream scenario: " + Report.loadAverage());
        }
    }

    private record Setup(List<Long> readers, List<Long> pushReaders, long pushAuthor, long pullAuthor) {
    }

    /** Readers who all follow the pull-tier author, the first {@code pushReaders} also the push-tier one; tiers evaluated now. */
    private Setup setUp(int readerCount, int pushReaderCount) throws Exception {
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
        parallel(all, this::profile);
        parallel(readers, r -> follow(r, pullAuthor));
        List<Long> pushReaders = readers.subList(0, pushReaderCount);
        parallel(pushReaders, r -> follow(r, pushAuthor));
        send("POST", relationManagement + "/internal/v1/tiers/reevaluate?hysteresis=false", null, null, internalToken);
        JsonNode lists = JSON.readTree(send("GET", relationManagement + "/internal/v1/users/" + readers.get(0) + "/followees", null, null,
                internalToken));
        boolean pushOk = contains(lists.path("push"), pushAuthor);
        boolean pullOk = contains(lists.path("pull"), pullAuthor);
        System.out.printf("    tiers as reader %d sees them: push %s, pull %s (push author %d, pull author %d)%n", readers.get(0),
                lists.path("push"), lists.path("pull"), pushAuthor, pullAuthor);
        if (!pushOk || !pullOk) {
            throw new IllegalStateException("the authors are not in the tiers the bench needs: " + lists);
        }
        // feed-service drops its cached followee lists on the relation events (a tier change: all of them)
        Thread.sleep(5_000);
        parallel(readers, r -> send("GET", feed + TIMELINE, tokens.forUser(r), null, null)); // activates the inboxes
        return new Setup(readers, pushReaders, pushAuthor, pullAuthor);
    }

    // ---- 1. publish to stream event ----

    private void latency(Setup s, int posts) throws Exception {
        Map<Long, Map<Long, Long>> arrivals = new ConcurrentHashMap<>(); // postId -> reader -> nanos
        double openBefore = metric("feed_stream_open");
        reopens.set(0);
        List<Stream> streams = openAll(s.readers, r -> (postId, at) -> arrivals.computeIfAbsent(postId, k -> new ConcurrentHashMap<>())
                .putIfAbsent(r, at));
        // every stream registered on the instance before the first post (else its replay, not the live path, is timed)
        pollUntil(() -> metric("feed_stream_open") - openBefore >= s.readers.size(), Duration.ofSeconds(60));
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Boolean> byPush = new ConcurrentHashMap<>();
        Histogram publishRoundTrip = histogram();
        for (int i = 0; i < posts; i++) {
            long author = i % 2 == 0 ? s.pushAuthor : s.pullAuthor;
            long t0 = System.nanoTime();
            JsonNode post = JSON.readTree(send("POST", feed + "/v1/posts", tokens.forUser(author), "{\"text\":\"stream bench " + i + "\"}", null));
            publishRoundTrip.recordValue(System.nanoTime() - t0);
            long id = post.path("id").asLong();
            sentAt.put(id, t0);
            byPush.put(id, author == s.pushAuthor);
            Thread.sleep(250); // the pace of publishing, not a wait
        }
        long pushPosts = byPush.values().stream().filter(b -> b).count();
        long expected = pushPosts * s.pushReaders.size() + (sentAt.size() - pushPosts) * s.readers.size();
        pollUntil(() -> arrivals.values().stream().mapToLong(Map::size).sum() >= expected, Duration.ofSeconds(30));
        streams.forEach(Stream::close);
        Histogram push = histogram();
        Histogram pull = histogram();
        long[] missing = new long[2];
        for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
            boolean isPush = byPush.get(e.getKey());
            Map<Long, Long> got = arrivals.getOrDefault(e.getKey(), Map.of());
            for (long r : isPush ? s.pushReaders : s.readers) {
                Long at = got.get(r);
                if (at == null) {
                    missing[isPush ? 0 : 1]++;
                } else {
                    (isPush ? push : pull).recordValue(Math.max(0, at - e.getValue()));
                }
            }
        }
        String how = String.format("streams reopened after the server ended them while opening: %d; %d posts alternating the two authors, one every 250 ms; %d readers with open streams, all following the"
                + " pull-tier author, %d of them also the push-tier author; latency = event arrival at the reader's stream minus the moment"
                + " POST /v1/posts was sent", reopens.get(), posts, s.readers.size(), s.pushReaders.size());
        double rtt50 = ms(publishRoundTrip.getValueAtPercentile(50));
        double rtt99 = ms(publishRoundTrip.getValueAtPercentile(99));
        report.figure("stream", "publish -> event p50, push-tier author", ms(push.getValueAtPercentile(50)), "ms", "publish round trip p50",
                rtt50, String.format("%d events, %d missing; %s", push.getTotalCount(), missing[0], how));
        report.figure("stream", "publish -> event p99, push-tier author", ms(push.getValueAtPercentile(99)), "ms", "publish round trip p99",
                rtt99, String.format("max %.1f ms", ms(push.getMaxValue())));
        report.figure("stream", "publish -> event p50, pull-tier author", ms(pull.getValueAtPercentile(50)), "ms", "publish round trip p50",
                rtt50, String.format("%d events, %d missing", pull.getTotalCount(), missing[1]));
        report.figure("stream", "publish -> event p99, pull-tier author", ms(pull.getValueAtPercentile(99)), "ms", "publish round trip p99",
                rtt99, String.format("max %.1f ms", ms(pull.getMaxValue())));
        pollUntil(() -> metric("feed_stream_open") <= openBefore, Duration.ofSeconds(60));
    }

    // ---- 2. streams held, memory per stream ----

    private void capacity(int held) throws Exception {
        long base = ThreadLocalRandom.current().nextLong(3_000_000_000_000L, 4_000_000_000_000L);
        long authorA = base;
        long authorB = base + 1;
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            users.add(base + 10 + i);
        }
        List<Long> everyone = new ArrayList<>(users);
        everyone.add(authorA);
        everyone.add(authorB);
        tokens.warm(everyone);
        parallel(everyone, this::profile);
        // two followees each, authors of their own: the latency authors' tiers stay as they are
        parallel(users, u -> {
            follow(u, authorA);
            follow(u, authorB);
        });
        // each user's first timeline read: activates the inbox and caches the followee lists a stream's start reads, in a
        // closed loop of 16, so the opening below does not send 1,000 followee reads at relation-service at once
        parallel(users, u -> send("GET", feed + TIMELINE, tokens.forUser(u), null, null));
        double openBefore = metric("feed_stream_open");
        long heapBefore = heapAfterGc();
        long rssBefore = rss();
        long t0 = System.nanoTime();
        reopens.set(0);
        List<Stream> streams = openAll(users, u -> (p, t) -> { });
        pollUntil(() -> metric("feed_stream_open") - openBefore >= held, Duration.ofSeconds(120));
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        long open = Math.round(metric("feed_stream_open") - openBefore);
        long refused = streams.stream().filter(st -> st.status() != 200).count();
        long heapAfter = heapAfterGc();
        Map<String, long[]> histogramOpen = classHistogram();
        long rssAfter = rss();
        long[] leases = redisStats.memory("stream-leases:*");
        // still all open after the two full GCs and reads (none dropped while measured)
        long stillOpen = Math.round(metric("feed_stream_open") - openBefore);
        streams.forEach(Stream::close);
        pollUntil(() -> metric("feed_stream_open") <= openBefore, Duration.ofSeconds(60));
        long heapClosed = heapAfterGc();
        histogramTable(histogramOpen, classHistogram(), Math.max(1, open));
        long per = Math.max(1, open);
        report.figure("stream", "streams held by one instance", open, "streams", "asked", (double) held,
                String.format("%d answers not 200; %d still open after the memory reads; opened in %.1f s, %d reopened after the server ended"
                        + " them while opening; feed-service %s", refused, stillOpen, openSeconds, reopens.get(), javaOpts()));
        report.figure("stream", "heap per open stream", (heapAfter - heapBefore) / (double) per / 1024, "KiB", "open minus after close, per stream",
                (heapAfter - heapClosed) / (double) per / 1024, String.format("heap used after a full GC (jcmd GC.run; jvm_memory_used_bytes"
                        + " area=heap): %.1f MiB with none of these streams open, %.1f MiB with %d open, %.1f MiB after they closed (the"
                        + " baseline column takes the heap after close as the zero: it leaves out what else grew or shrank meanwhile); each"
                        + " stream is a user following 2 authors", mib(heapBefore), mib(heapAfter), open, mib(heapClosed)));
        report.figure("stream", "RSS per open stream", (rssAfter - rssBefore) / (double) per / 1024, "KiB", "RSS before (MiB)",
                mib(rssBefore), String.format("feed-service process RSS (/proc/<pid>/status VmRSS) %.1f MiB -> %.1f MiB; RSS also holds heap the"
                        + " JVM grew and keeps (it does not shrink after a GC), so it is an upper bound", mib(rssBefore), mib(rssAfter)));
        report.figure("stream", "Redis per open stream (lease)", leases[1] / (double) per, "B", null, null,
                String.format("MEMORY USAGE of the %d stream-leases:{u} keys (one member each)", leases[0]));
    }

    // ---- 3. 304 against full pages ----

    /** One closed loop's outcome: per request the Redis commands (by name) and feed-service CPU. */
    private record Loop(long requests, long unexpected, Map<String, Long> commands, long redisReads, double feedCpuMs, double seconds) {
        double rate() {
            return requests / seconds;
        }

        Loop plus(Loop o) {
            Map<String, Long> sum = new java.util.HashMap<>(commands);
            o.commands.forEach((k, v) -> sum.merge(k, v, Long::sum));
            return new Loop(requests + o.requests, unexpected + o.unexpected, sum, redisReads + o.redisReads, feedCpuMs + o.feedCpuMs,
                    seconds + o.seconds);
        }

        double commandsPerRequest() {
            return sumExceptHarness(commands) / (double) Math.max(1, requests);
        }

        /** Socket reads Redis handled (one per command sent alone, one per pipelined batch or script call): round trips. */
        double roundTripsPerRequest() {
            return redisReads / (double) Math.max(1, requests);
        }

        double cpuPerRequest() {
            return feedCpuMs / Math.max(1, requests);
        }

        /** The idle background's share of this loop, per request (the idle window scaled to this loop's length). */
        double backgroundCommandsPerRequest(Loop idle) {
            return sumExceptHarness(idle.commands) * (seconds / idle.seconds) / Math.max(1, requests);
        }

        double backgroundCpuPerRequest(Loop idle) {
            return idle.feedCpuMs * (seconds / idle.seconds) / Math.max(1, requests);
        }
    }

    private void conditional(List<Long> readers) throws Exception {
        Map<Long, String> etags = new ConcurrentHashMap<>();
        parallel(readers, r -> {
            HttpResponse<String> res = exchange(http, HttpRequest.newBuilder(URI.create(feed + TIMELINE))
                    .header("Authorization", "Bearer " + tokens.forUser(r)).GET().build());
            etags.put(r, res.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag on a timeline page")));
        });
        closedLoop(readers, null, 200, Duration.ofSeconds(3)); // unmeasured: JIT warm-up of both paths
        closedLoop(readers, etags, 304, Duration.ofSeconds(3));
        Loop idle = idle(WINDOW);
        // Windows alternate (full, 304, full, 304, ...) so that the load other developers put on the shared
        // machine, which swings within seconds, falls on both about alike; each side is the sum of its windows.
        Loop full = null;
        Loop notModified = null;
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            Loop f = closedLoop(readers, null, 200, WINDOW);
            Loop n = closedLoop(readers, etags, 304, WINDOW);
            pairs.add(String.format("%.0f/%.0f", f.rate(), n.rate()));
            full = full == null ? f : full.plus(f);
            notModified = notModified == null ? n : notModified.plus(n);
        }
        String loop = String.format("GET %s, the same %d readers, %d in flight; %d pairs of %d s windows alternating full page and 304,"
                + " rates per pair (full/304): %s", TIMELINE, readers.size(), IN_FLIGHT, WINDOWS, WINDOW.toSeconds(), String.join(", ", pairs));
        report.figure("stream", "304 rate (If-None-Match matches)", notModified.rate(), "req/s", "full page rate", full.rate(),
                String.format("%s; answers not as expected: %d of %d 304s, %d of %d full pages", loop, notModified.unexpected,
                        notModified.requests, full.unexpected, full.requests));
        report.figure("stream", "Redis commands per 304", notModified.commandsPerRequest(), "cmds", "per full page", full.commandsPerRequest(),
                String.format("INFO commandstats deltas over the windows / requests, harness commands left out; the idle background's share"
                        + " is %.3f per 304 and %.3f per full page (included)", notModified.backgroundCommandsPerRequest(idle),
                        full.backgroundCommandsPerRequest(idle)));
        report.figure("stream", "Redis round trips per 304", notModified.roundTripsPerRequest(), "trips", "per full page",
                full.roundTripsPerRequest(), "INFO stats total_reads_processed delta / requests (one per command sent alone, one per"
                        + " pipelined batch or script call; the harness's own INFO reads, 3 per window, included)");
        report.figure("stream", "feed-service CPU per 304", notModified.cpuPerRequest(), "ms", "per full page", full.cpuPerRequest(),
                String.format("/proc/<pid>/stat utime+stime delta / requests; the idle background's share is %.3f ms per 304 and %.3f ms per full"
                        + " page (included); idle background: %.0f ms CPU and %d Redis commands in %d s", notModified.backgroundCpuPerRequest(idle),
                        full.backgroundCpuPerRequest(idle), idle.feedCpuMs, sumExceptHarness(idle.commands), WINDOW.toSeconds()));
        List<String> names = new ArrayList<>();
        for (Loop l : List.of(idle, full, notModified)) {
            l.commands.keySet().stream().filter(n -> !HARNESS.contains(n) && !names.contains(n)).forEach(names::add);
        }
        names.sort(Comparator.naturalOrder());
        List<List<String>> rows = new ArrayList<>();
        for (String n : names) {
            rows.add(List.of(n, perRequest(full, n), perRequest(notModified, n), String.valueOf(idle.commands.getOrDefault(n, 0L))));
        }
        rows.add(List.of("**all**", String.format("%.2f", full.commandsPerRequest()), String.format("%.2f", notModified.commandsPerRequest()),
                String.valueOf(sumExceptHarness(idle.commands))));
        report.table("Redis commands per GET /v1/timeline: full page against 304", List.of("command", "full page (per request)",
                "304 (per request)", "idle " + WINDOW.toSeconds() + " s (total)"), rows,
                "INFO commandstats deltas; commands inside Lua scripts count under their own names as well as the EVAL/EVALSHA that ran them"
                        + " (the two rate-limit scripts run TIME, HMGET, HSET, PEXPIRE inside). Requests: full " + full.requests + ", 304 "
                        + notModified.requests + ".");
    }

    /**
     * The commands this bench sends while measuring (its INFO reads; Resp connects without a
     * handshake). Unlike {@link RedisStats#HARNESS}, HMGET counts: the rate-limit script runs one
     * per request, and this bench reads no fanout progress.
     */
    private static final java.util.Set<String> HARNESS = RedisStats.HARNESS.stream().filter(n -> !n.equals("hmget"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static long sumExceptHarness(Map<String, Long> delta) {
        return delta.entrySet().stream().filter(e -> !HARNESS.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private static String perRequest(Loop l, String command) {
        return String.format("%.3f", l.commands.getOrDefault(command, 0L) / (double) Math.max(1, l.requests));
    }

    /** What the stack does with no bench requests for {@code length}. */
    private Loop idle(Duration length) throws Exception {
        Map<String, Long> commands = redisStats.commandCalls();
        long reads = redisStats.readsProcessed();
        double feedCpu = feedCpuMs();
        long t0 = System.nanoTime();
        Thread.sleep(length.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Loop(0, 0, RedisStats.delta(commands, redisStats.commandCalls()), redisStats.readsProcessed() - reads, feedCpuMs() - feedCpu,
                seconds);
    }

    private Loop closedLoop(List<Long> readers, Map<Long, String> etags, int expect, Duration length) throws Exception {
        Map<String, Long> commands = redisStats.commandCalls();
        long reads = redisStats.readsProcessed();
        double feedCpu = feedCpuMs();
        long t0 = System.nanoTime();
        long end = t0 + length.toNanos();
        AtomicLong done = new AtomicLong();
        AtomicLong unexpected = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int w = 0; w < IN_FLIGHT; w++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < end) {
                        long r = readers.get(ThreadLocalRandom.current().nextInt(readers.size()));
                        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(feed + TIMELINE)).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + tokens.forUser(r)).GET();
                        if (etags != null) {
                            req.header("If-None-Match", etags.get(r));
                        }
                        if (exchange(http, req.build()).statusCode() != expect) {
                            unexpected.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                }, pool));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Loop(done.get(), unexpected.get(), RedisStats.delta(commands, redisStats.commandCalls()), redisStats.readsProcessed() - reads,
                feedCpuMs() - feedCpu, seconds);
    }

    // ---- streams ----

    interface Arrival {
        void post(long postId, long atNanos);
    }

    /** One open stream read line by line, without a thread of its own. */
    final class Stream {
        private final CompletableFuture<HttpResponse<Void>> response;
        /**
         * Completed when the headers arrive. The response future completes only when the body ends,
         * i.e. when the stream closes: waiting on it for an open stream's status hung an earlier run.
         */
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private final long user;
        private final Arrival arrival;

        Stream(long user, Arrival arrival) {
            this.user = user;
            this.arrival = arrival;
            HttpRequest req = HttpRequest.newBuilder(URI.create(feed + "/v1/timeline/stream"))
                    .header("Authorization", "Bearer " + tokens.forUser(user)).header("Accept", "text/event-stream").GET().build();
            HttpResponse.BodyHandler<Void> lines = HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String line) {
                    if (line.startsWith("id:")) { // id: <createdAtMillis>.<postId>
                        String id = line.substring(3).trim();
                        arrival.post(Long.parseLong(id.substring(id.indexOf('.') + 1)), System.nanoTime());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // a closed stream: the figures count what arrived
                }

                @Override
                public void onComplete() {
                    // idem
                }
            });
            this.response = http.sendAsync(req, info -> {
                status.complete(info.statusCode());
                return lines.apply(info);
            });
            response.whenComplete((r, failure) -> status.complete(failure != null ? -1 : r.statusCode()));
        }

        /** The status of the stream's response, -1 if it failed or no headers came within 30 s. */
        int status() {
            try {
                return status.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                return -1;
            }
        }

        /** True once the server ended the stream (or it failed). */
        boolean ended() {
            return response.isDone();
        }

        void close() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            response.cancel(true);
        }
    }

    /**
     * Opens one stream per user, 50 at a time, each batch registered on the instance before the
     * next; a stream that ended (a 200 whose start failed, e.g. the followee read timed out or the
     * relation breaker was open on the busy machine) is reopened, as a client reconnects, at most
     * three times. How many reopens it took is reported.
     */
    private List<Stream> openAll(List<Long> users, java.util.function.LongFunction<Arrival> arrival) throws Exception {
        double openBefore = metric("feed_stream_open");
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < users.size(); i += 50) {
            for (long u : users.subList(i, Math.min(users.size(), i + 50))) {
                streams.add(new Stream(u, arrival.apply(u)));
            }
            int target = streams.size();
            for (int attempt = 0; attempt <= 3; attempt++) {
                streams.forEach(Stream::status);
                pollUntil(() -> metric("feed_stream_open") - openBefore >= target, Duration.ofSeconds(20));
                Thread.sleep(200); // a start that fails does so within the read timeout; ended() shows it
                boolean reopened = false;
                for (int k = 0; k < streams.size(); k++) {
                    Stream st = streams.get(k);
                    if (st.ended() && attempt < 3) {
                        streams.set(k, new Stream(st.user, st.arrival));
                        reopens.incrementAndGet();
                        reopened = true;
                    }
                }
                if (!reopened) {
                    break;
                }
            }
        }
        return streams;
    }

    // ---- helpers ----

    private void profile(long user) {
        String handle = "sb" + Long.toString(user, 36);
        send("PUT", relation + "/v1/users/me", tokens.forUser(user), "{\"handle\":\"" + handle + "\",\"displayName\":\"Stream bench\"}", null);
    }

    private void follow(long reader, long author) {
        send("PUT", relation + "/v1/users/me/following/" + author, tokens.forUser(reader), null, null);
    }

    /** Sends and returns the body; anything but a 2xx is an error. */
    private String send(String method, String url, String bearer, String body, String internal) {
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
        HttpResponse<String> r = exchange(internal != null || bearer == null ? probe : http, b.build());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static HttpResponse<String> exchange(HttpClient client, HttpRequest req) {
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(req.uri() + ": interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(req.uri() + ": " + e, e);
        }
    }

    private static <T> void parallel(List<T> items, Consumer<T> action) {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (T item : items) {
                fs.add(pool.submit(() -> action.accept(item)));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
    }

    /** Polls every 100 ms until {@code done} holds or {@code limit} passes (what is missing then is reported as missing). */
    private static void pollUntil(BooleanSupplier done, Duration limit) {
        try {
            Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(100)).until(done::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            // not an error here: the caller counts and reports what did not arrive
        }
    }

    /** The sum of a meter's series on feed-service's Prometheus endpoint. */
    private double metric(String name) {
        double sum = 0;
        for (String line : send("GET", feedManagement + "/q/metrics", null, null, null).split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** {@code jcmd GC.class_histogram} (a full GC first): class -> {instances, bytes}. */
    private Map<String, long[]> classHistogram() throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(feedPid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.class_histogram failed: " + out);
        }
        Map<String, long[]> classes = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) { // "  1:  12345  678901  java.lang.String (java.base@17)"
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    /** The classes whose heap grew most with the streams open against after they closed, per stream. */
    private void histogramTable(Map<String, long[]> open, Map<String, long[]> closed, long streams) {
        List<List<String>> rows = open.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new long[] {e.getValue()[0] - closed.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - closed.getOrDefault(e.getKey(), new long[2])[1]}))
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(15)
                .map(e -> List.of(e.getKey(), String.format("%.2f", e.getValue()[0] / (double) streams),
                        String.format("%.0f", e.getValue()[1] / (double) streams)))
                .toList();
        report.table("feed-service heap by class: " + streams + " streams open minus after they closed, per stream",
                List.of("class", "instances per stream", "bytes per stream"), rows,
                "jcmd GC.class_histogram (after a full GC) with the streams open and after they closed; the 15 classes that grew most.");
    }

    /** Heap used after a full GC ({@code jcmd GC.run}), from jvm_memory_used_bytes of the heap pools. */
    private long heapAfterGc() throws Exception {
        Process gc = new ProcessBuilder("jcmd", Long.toString(feedPid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(120, TimeUnit.SECONDS)) {
            gc.destroyForcibly();
            throw new IllegalStateException("jcmd GC.run did not return within 120 s");
        }
        if (gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run exited " + gc.exitValue());
        }
        long sum = 0;
        for (String line : send("GET", feedManagement + "/q/metrics", null, null, null).split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private long feedPid() throws Exception {
        return Long.parseLong(Files.readString(local.resolve("run/feed-service.pid")).trim());
    }

    private long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + feedPid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for feed-service");
    }

    /** CPU time of the feed-service process so far (utime + stime, see {@link Bench#processCpuNanos}). */
    private double feedCpuMs() throws Exception {
        return Bench.processCpuNanos(feedPid()) / 1e6;
    }

    /** feed-service's JVM options as the stack started it (its command line). */
    private String javaOpts() {
        try {
            String cmd = Files.readString(Path.of("/proc/" + feedPid() + "/cmdline")).replace('\0', ' ');
            StringBuilder opts = new StringBuilder();
            for (String part : cmd.split(" ")) {
                if (part.startsWith("-Xmx") || part.startsWith("-XX:+Use")) {
                    opts.append(opts.length() == 0 ? "" : " ").append(part);
                }
            }
            return opts.length() == 0 ? "(JVM defaults)" : opts.toString();
        } catch (Exception e) {
            return "?";
        }
    }

    private static boolean contains(JsonNode array, long id) {
        for (JsonNode n : array) {
            if (n.asLong() == id) {
                return true;
            }
        }
        return false;
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }

    private static Histogram histogram() {
        return new Histogram(60_000_000_000L, 3);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024);
    }
}
