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
        int timelineDuplicates;
        int wrongOrder;
        int readersDiffering;
        int countsChecked;
        int countsWrong;
        final List<String> examples = new ArrayList<>();

        void example(String s) {
            if (examples.size() < 30) {
                examples.add(s);
            }
        }

        int lost() {
            return lostInCassandra + timelineMissing;
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

    Result check(List<Long> readers, List<Long> users, Duration settle) {
        Result r = new Result();
        checkCassandra(r);
        checkTimelines(readers, settle, r);
        checkCounts(users, r);
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
                    synchronized (r) {
                        r.postsChecked++;
                        if (row == null) {
                            r.lostInCassandra++;
                            r.example("post " + p.id() + " by " + p.author() + " acknowledged (201) but not in Cassandra");
                        } else if (model.deleted(p.id()) && row.getInstant("deleted_at") == null) {
                            r.deleteNotApplied++;
                            r.example("post " + p.id() + " deleted (204) but not tombstoned in Cassandra");
                        }
                    }
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
                                r.extraInCassandra++;
                                r.example("post " + id + " by " + e.getKey() + " is in Cassandra but no publish was acknowledged with it");
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

    private record Diff(int missing, int extra, int duplicates, boolean wrongOrder, String example) {
        boolean clean() {
            return missing == 0 && extra == 0 && duplicates == 0 && !wrongOrder;
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
        r.readersChecked = readers.size();
        for (long reader : todo) {
            Diff d = last.get(reader);
            r.readersDiffering++;
            r.timelineMissing += d.missing();
            r.timelineExtra += d.extra();
            r.timelineDuplicates += d.duplicates();
            r.wrongOrder += d.wrongOrder() ? 1 : 0;
            r.example("reader " + reader + ": " + d.example());
        }
    }

    /** Reads the reader's whole timeline and compares it with the model. */
    private Diff diff(long reader) {
        List<Long> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            Api.Call c = api.timeline(reader, cursor, 100);
            if (!c.ok()) {
                return new Diff(0, 0, 0, false, "timeline page answered " + c.status());
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
        List<Long> expected = model.timeline(reader).stream().map(Model.Post::id).toList();
        Set<Long> expectedSet = new HashSet<>(expected);
        Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        int extra = 0;
        List<Long> extras = new ArrayList<>();
        for (long id : ids) {
            if (!seen.add(id)) {
                duplicates++;
            } else if (!expectedSet.contains(id)) {
                extra++;
                extras.add(id);
            }
        }
        List<Long> missing = expected.stream().filter(id -> !seen.contains(id)).toList();
        List<Long> inBoth = ids.stream().distinct().filter(expectedSet::contains).toList();
        List<Long> expectedOrder = expected.stream().filter(seen::contains).toList();
        boolean wrongOrder = !inBoth.equals(expectedOrder);
        String example = String.format("%d items, expected %d; missing %s; extra %s (%s); duplicates %d%s", ids.size(), expected.size(),
                head(missing), head(extras), describe(extras), duplicates, wrongOrder ? "; order differs" : "");
        return new Diff(missing.size(), extra, duplicates, wrongOrder, example);
    }

    private String describe(List<Long> extras) {
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

    private void checkCounts(List<Long> users, Result r) {
        for (long u : users) {
            Api.Call c = api.user(u, u);
            r.countsChecked++;
            long followers = c.ok() ? c.body().path("followerCount").asLong(-1) : -1;
            long following = c.ok() ? c.body().path("followingCount").asLong(-1) : -1;
            int wantFollowers = model.followers(u);
            int wantFollowing = model.followees(u).size();
            if (followers != wantFollowers || following != wantFollowing) {
                r.countsWrong++;
                r.example("user " + u + ": followerCount " + followers + " followingCount " + following + ", edges say "
                        + wantFollowers + " / " + wantFollowing + (c.ok() ? "" : " (answered " + c.status() + ")"));
            }
        }
    }
}
