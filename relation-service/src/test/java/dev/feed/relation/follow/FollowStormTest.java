package dev.feed.relation.follow;

import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.relation.Db;
import dev.feed.relation.event.EventLog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FollowStormTest {
    private static final int THREADS = 20;
    private static final int OPS_PER_THREAD = 50;
    private static final int USERS = 5;

    @Inject
    Pool pool;

    @TestHTTPResource("/")
    URL base;

    @Test
    void concurrentFollowsAndUnfollowsOfSamePairs_countsEqualEdges_eventsAlternate() throws Exception {
        // Five users and every ordered pair among them: 20 pairs, hit 1000 times from 20 threads,
        // including a follows b while b follows a (the deadlock-prone shape).
        List<Long> users = LongStream.range(0, USERS).map(i -> newUser()).boxed().toList();
        Map<Long, String> tokens = new ConcurrentHashMap<>();
        users.forEach(u -> tokens.put(u, token(u)));
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger nonNoContent = new AtomicInteger();

        ExecutorService pool20 = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            done.add(pool20.submit(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    long a = users.get(rnd.nextInt(USERS));
                    long b = users.get(rnd.nextInt(USERS));
                    if (a == b) {
                        b = users.get((users.indexOf(a) + 1) % USERS);
                    }
                    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "v1/users/me/following/" + b))
                            .header("Authorization", "Bearer " + tokens.get(a));
                    req = rnd.nextBoolean() ? req.PUT(HttpRequest.BodyPublishers.noBody()) : req.DELETE();
                    HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() != 204) {
                        nonNoContent.incrementAndGet();
                        System.err.println("storm: " + res.statusCode() + " " + res.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool20.shutdown();

        assertThat(nonNoContent).as("every request answered 204").hasValue(0);
        Long[] ids = users.toArray(new Long[0]);
        for (Row r : Db.rows(pool, """
                SELECT u.id, u.follower_count, u.following_count,
                       (SELECT count(*) FROM follows f WHERE f.followee_id = u.id) AS followers,
                       (SELECT count(*) FROM follows f WHERE f.follower_id = u.id) AS following
                FROM users u WHERE u.id = ANY($1)""", (Object) ids)) {
            assertThat(r.getLong("follower_count")).as("followers of %s", r.getLong("id")).isEqualTo(r.getLong("followers"));
            assertThat(r.getLong("following_count")).as("following of %s", r.getLong("id")).isEqualTo(r.getLong("following"));
        }
        // Events are never invented: per pair they alternate followed/unfollowed, starting with
        // followed, and the last one matches the edge that is left.
        for (long a : users) {
            for (long b : users) {
                if (a == b) {
                    continue;
                }
                List<String> types = Db.eventTypes(pool, EventLog.pairKey(a, b));
                for (int i = 0; i < types.size(); i++) {
                    assertThat(types.get(i)).as("event %d of %d:%d", i, a, b)
                            .isEqualTo(i % 2 == 0 ? EventLog.FOLLOWED : EventLog.UNFOLLOWED);
                }
                boolean edge = Db.count(pool, "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2", a, b) == 1;
                assertThat(types.size() % 2 == 1).as("edge %d:%d exists iff the last event is followed", a, b).isEqualTo(edge);
            }
        }
    }
}
