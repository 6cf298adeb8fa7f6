package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.feed.hotcache.PostRef;
import dev.feed.testing.LocalStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publish needs Cassandra (durability first): with the stack's Cassandra stopped ({@code ./feed stop
 * cassandra}) a publish is a 503 problem with Retry-After, while a timeline whose posts Redis and
 * this instance's memory hold is still read. Cassandra is started again in a finally block, and the
 * test waits until publishing works again, so later tests find it as before.
 */
@QuarkusTest
class CassandraDownTest {
    @Inject
    Fixture fx;
    @Inject
    MeterRegistry registry;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @Test
    void publish_whenCassandraIsStopped_is503WithRetryAfter_whileTimelineIsStillReadFromRedisAndMemory() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        Fixture.page(reader, 10, null); // a live inbox
        List<PostRef> expected = new ArrayList<>();
        expected.add(fx.publish(author, reader));
        expected.add(fx.publish(author, reader));
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newestFirst(expected)); // now in memory

        double unavailableBefore = unavailable();
        LocalStack.stop("cassandra");
        try {
            publish(author).then().statusCode(503).contentType("application/problem+json")
                    .body("status", equalTo(503)).header("Retry-After", "5");
            assertThat(unavailable() - unavailableBefore).isEqualTo(1.0);
            assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newestFirst(expected));
        } finally {
            LocalStack.start("cassandra");
            // The driver reconnects on its own schedule (exponential, up to a minute here): wait for it.
            Awaitility.await("publishing works again").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> publish(author).statusCode() == 201);
        }
        assertThat(Fixture.page(reader, 10, null).getList("items")).hasSizeGreaterThanOrEqualTo(expected.size());
    }

    private static Response publish(long author) {
        return Fixture.as(author).contentType("application/json").body("{\"text\":\"while cassandra restarts\"}").post("/v1/posts");
    }

    private double unavailable() {
        var counter = registry.find("feed.unavailable").tag("dependency", "cassandra").counter();
        return counter == null ? 0 : counter.count();
    }
}
