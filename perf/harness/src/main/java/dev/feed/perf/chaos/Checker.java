package dev.feed.perf.chaos;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Compares, post by post, what the workload had acknowledged ({@link Model}) with what the system
 * holds: every acknowledged post is in Cassandra (read at QUORUM) with its author and deletion
 * state, no author has a post there the model does not know (a second post for one publish);
 * every reader's whole home timeline, paged to its end, equals the model in content and order,
 * with no duplicate; every user's follower and following counts equal the model's edges.
 * Timelines converge within seconds (fanout, unfollow, delete are asynchronous), so a reader that
 * differs is read again until {@code settle} has passed before the difference counts.
 */
final class Checker {
    /** The outcome; every list holds a few examples, the counts are exact. */
    static final class Result {
        int postsChecked;
        int lostInCassandra;
        int deleteNotApplied;
        int extraInCassandra;
        int readersChecked;
        int timelineMissing;
        int timelineExtra;
        int timelineShownAfterDelete;
        int readersUnreadable;
        int timelineDuplicates;
        int wrongOrder;
        int readersDiffering;
        int countsChecked;
        int countsWrong;
        final List<String> examples = new ArrayList<>();

        synchronized void example(String s) {
            if (examples.size() < 30) {
                examples.add(s);
            }
        }

        int lost() {
            return lostInCassandra + timelineMissing;
        }

        /**
         * One acknowledged post as Cassandra holds it (read at QUORUM): absent is lost; live
         * though its delete was asked for is a delete not applied.
         */
        synchronized void stored(Model.Post p, boolean present, boolean tombstoned, boolean deleteAsked) {
            postsChecked++;
            if (!present) {
                lostInCassandra++;
                example("post " + p.id() + " by " + p.author() + " acknowledged (201) but not in Cassandra");
            } else if (deleteAsked && !tombstoned) {
                deleteNotApplied++;
                example("post " + p.id() + " deleted (204) but not tombstoned in Cassandra");
            }
        }

        /** A live post Cassandra holds for an author that no acknowledged publish returned: a retried publish made it twice. */
        synchronized void unacknowledgedStored(long id, long author) {
            extraInCassandra++;
            example("post " + id + " by " + author + " is in Cassandra but no publish was acknowledged with it");
        }

        /** A reader whose timeline still differs from the model after the settle time. */
        synchronized void differs(long reader, Diff d) {
            readersDiffering++;
            timelineMissing += d.missing();
            timelineExtra += d.extra();
            timelineShownAfterDelete += d.shownAfterDelete();
            timelineDuplicates += d.duplicates();
            wrongOrder += d.wrongOrder() ? 1 : 0;
            readersUnreadable += d.unreadable() ? 1 : 0;
            example("reader " + reader + ": " + d.example());
        }

        /** Everything the check found wrong, whatever kind. */
        synchronized boolean clean() {
            return lostInCassandra == 0 && deleteNotApplied == 0 && extraInCassandra == 0 && readersDiffering == 0 && countsWrong == 0;
        }

        int duplicated() {
            return extraInCassandra + timelineDuplicates;
        }
    }

    private final Api api;
    private final Model model;
    private final List<InetSocketAddress> cassandra;
    private final String keyspace;

    Checker(Api api, Model model, List<InetSocketAddress> cassandra, String keyspace) {
        this.api = api;
        this.model = model;
        this.cassandra = cassandra;
        this.keyspace = keyspace;
    }

    /** The three checks run side by side (the stores, the timelines, the counts): each is mostly waiting on I/O. */
    Result check(List<Long> readers, List<Long> users, Duration settle) {
        Result r = new Result();
        CompletableFuture<Void> stored = CompletableFuture.runAsync(() -> checkCassandra(r));
        CompletableFuture<Void> counts = CompletableFuture.runAsync(() -> checkCounts(users, settle, r));
        checkTimelines(readers, settle, r);
        stored.join();
        counts.join();
        return r;
    }

    private void checkCassandra(Result r) {
        try (CqlSession session = CqlSession.builder().addContactPoints(cassandra).withLocalDatacenter("datacenter1").build()) {
            PreparedStatement byId = session.prepare("SELECT id, author_id, deleted_at FROM " + keyspace + ".posts WHERE id = ?");
            PreparedStatement byAuthor = session.prepare("SELECT id FROM " + keyspace + ".posts_by_author WHERE author_id = ? AND bucket = ?");
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            for (Model.Post p : model.posts().values()) {
                reads.add(session.executeAsync(byId.bind(p.id()).setConsistencyLevel(ConsistencyLevel.QUORUM)).toCompletableFuture().thenAccept(rs -> {
                    Row row = rs.one();
                    r.stored(p, row != null, row != null && row.getInstant("deleted_at") != null, model.deleted(p.id()));
                }));
                if (reads.size() >= 64) {
                    CompletableFuture.allOf(reads.toArray(new CompletableFuture[0])).join();
                    reads.clear();
                }
            }
            CompletableFuture.allOf(reads.toArray(new CompletableFuture[0])).join();
            // Posts Cassandra holds for an author that the model never acknowledged: a retried
            // publish that made a second post.
            Map<Long, Set<Integer>> buckets = new HashMap<>();
            for (Model.Post p : model.posts().values()) {
                buckets.computeIfAbsent(p.author(), a -> new TreeSet<>()).add(bucket(p.createdAtMillis()));
            }
            for (var e : buckets.entrySet()) {
                for (int bucket : e.getValue()) {
                    for (Row row : session.execute(byAuthor.bind(e.getKey(), bucket).setConsistencyLevel(ConsistencyLevel.QUORUM))) {
                        long id = row.getLong("id");
                        if (!model.posts().containsKey(id)) {
                            Row post = session.execute(byId.bind(id).setConsistencyLevel(ConsistencyLevel.QUORUM)).one();
                            if (post != null && post.getInstant("deleted_at") == null) {
                                r.unacknowledgedStored(id, e.getKey());
                            }
                        }
                    }
                }
            }
        }
    }

    private static int bucket(long createdAtMillis) {
        var d = Instant.ofEpochMilli(createdAtMillis).atZone(ZoneOffset.UTC);
        return d.getYear() * 100 + d.getMonthValue();
    }

    /**
     * How one reader's timeline differs from the model: posts missing (lost), shown twice, shown
     * though not expected (of which shown after their delete), and whether the common posts are in
     * another order.
     */
    record Diff(int missing, int extra, int shownAfterDelete, int duplicates, boolean wrongOrder, boolean unreadable, String example) {
        /** A timeline that could not be read to its end is not clean: nothing about it is known. */
        static Diff unreadable(String why) {
            return new Diff(0, 0, 0, 0, false, true, why);
        }

        boolean clean() {
            return missing == 0 && extra == 0 && duplicates == 0 && !wrongOrder && !unreadable;
        }
    }

    private void checkTimelines(List<Long> readers, Duration settle, Result r) {
        long deadline = System.nanoTime() + settle.toNanos();
        List<Long> todo = new ArrayList<>(readers);
        Map<Long, Diff> last = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            int round = 0;
            while (!todo.isEmpty()) {
                round++;
                List<CompletableFuture<Map.Entry<Long, Diff>>> reads = new ArrayList<>();
                for (long reader : todo) {
                    reads.add(CompletableFuture.supplyAsync(() -> Map.entry(reader, diff(reader)), pool));
                }
                List<Long> differing = new ArrayList<>();
                for (var f : reads) {
                    var e = f.join();
                    last.put(e.getKey(), e.getValue());
                    if (!e.getValue().clean()) {
                        differing.add(e.getKey());
                    }
                }
                System.out.printf("    timelines, round %d: %d of %d readers differ from the model%n", round, differing.size(), todo.size());
                todo = differing;
                if (todo.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Faults.sleep(Duration.ofSeconds(5));
            }
        } finally {
            pool.shutdownNow();
        }
        synchronized (r) {
            r.readersChecked = readers.size();
        }
        todo.forEach(reader -> r.differs(reader, last.get(reader)));
    }

    /** Reads the reader's whole timeline and compares it with the model. */
    private Diff diff(long reader) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Api.Call c = api.timeline(reader, cursor, 100);
            if (!c.ok()) {
                return Diff.unreadable("timeline page answered " + c.status());
            }
            for (JsonNode item : c.body().path("items")) {
                ids.add(Long.parseLong(item.path("id").asText()));
            }
            JsonNode next = c.body().path("nextCursor");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            cursor = next.asText();
        }
        return compare(ids, model.timeline(reader).stream().map(Model.Post::id).toList(), model);
    }

    /** Compares the ids a reader was shown, in page order, with what the model expects, newest first. */
    static Diff compare(List<Long> ids, List<Long> expected, Model model) {
        Set<Long> expectedSet = new HashSet<>(expected);
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        int shownAfterDelete = 0;
        List<Long> extras = new ArrayList<>();
        for (long id : ids) {
            if (!seen.add(id)) {
                duplicates++;
            } else if (!expectedSet.contains(id)) {
                extras.add(id);
                if (model.deleted(id)) {
                    shownAfterDelete++;
                }
            }
        }
        List<Long> missing = expected.stream().filter(id -> !seen.contains(id)).toList();
        List<Long> inBoth = ids.stream().distinct().filter(expectedSet::contains).toList();
        List<Long> expectedOrder = expected.stream().filter(seen::contains).toList();
        boolean wrongOrder = !inBoth.equals(expectedOrder);
        String example = String.format("%d items, expected %d; missing %s; extra %s (%s); duplicates %d%s", ids.size(), expected.size(),
                head(missing), head(extras), describe(extras, model), duplicates, wrongOrder ? "; order differs" : "");
        return new Diff(missing.size(), extras.size(), shownAfterDelete, duplicates, wrongOrder, false, example);
    }

    private static String describe(List<Long> extras, Model model) {
        List<String> why = new ArrayList<>();
        for (long id : extras.subList(0, Math.min(3, extras.size()))) {
            Model.Post p = model.posts().get(id);
            why.add(p == null ? id + " unknown" : model.deleted(id) ? id + " deleted" : id + " by unfollowed " + p.author());
        }
        return String.join(", ", why);
    }

    private static String head(List<Long> ids) {
        return ids.size() <= 5 ? ids.toString() : ids.subList(0, 5) + "...";
    }

    /** Every user's counts against the model's edges; a user that differs is read again until {@code settle} has passed (counts are updated asynchronously). */
    private void checkCounts(List<Long> users, Duration settle, Result r) {
        long deadline = System.nanoTime() + settle.toNanos();
        List<Long> todo = new ArrayList<>(users);
        Map<Long, String> wrong = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            while (true) {
                List<CompletableFuture<Map.Entry<Long, String>>> reads = new ArrayList<>();
                for (long u : todo) {
                    reads.add(CompletableFuture.supplyAsync(() -> Map.entry(u, countsDiffer(u)), pool));
                }
                wrong.clear();
                for (var f : reads) {
                    var e = f.join();
                    if (!e.getValue().isEmpty()) {
                        wrong.put(e.getKey(), e.getValue());
                    }
                }
                todo = new ArrayList<>(wrong.keySet());
                if (todo.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Faults.sleep(Duration.ofSeconds(5));
            }
        } finally {
            pool.shutdownNow();
        }
        synchronized (r) {
            r.countsChecked = users.size();
            r.countsWrong = wrong.size();
        }
        wrong.values().forEach(r::example);
    }

    /** Empty when the user's follower/following counts equal the model's edges, else what differs. */
    private String countsDiffer(long u) {
        Api.Call c = api.user(u, u);
        long followers = c.ok() ? c.body().path("followerCount").asLong(-1) : -1;
        long following = c.ok() ? c.body().path("followingCount").asLong(-1) : -1;
        int wantFollowers = model.followers(u);
        int wantFollowing = model.followees(u).size();
        if (followers == wantFollowers && following == wantFollowing) {
            return "";
        }
        return "user " + u + ": followerCount " + followers + " followingCount " + following + ", edges say " + wantFollowers + " / "
                + wantFollowing + (c.ok() ? "" : " (answered " + c.status() + ")");
    }
}
