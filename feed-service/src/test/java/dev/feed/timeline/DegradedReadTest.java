package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.newestFirst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.feed.testing.Management;
import dev.feed.hotcache.PostRef;
import dev.feed.relation.GuardedRelation;
import dev.feed.testing.LocalStack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Degraded reads (DESIGN "When a dependency fails"), each caused for real: relation-service
 * refusing every call (the fake behind the REST client, as when it is stopped), and the stack's
 * Redis stopped with {@code ./feed stop redis} and started again (which also empties it: Redis
 * keeps nothing on disk here).
 */
@QuarkusTest
class DegradedReadTest {
    @Inject
    Fixture fx;
    @Inject
    FolloweeCache followees;
    @Inject
    HiddenAuthorsCache hiddenAuthors;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    MeterRegistry registry;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    @AfterEach
    void closeBreakers() {
        breakers.resetAll(); // the next test class must not inherit an open breaker
    }

    @Test
    void timeline_whenRelationServiceIsDown_isServedFromLastKnownFolloweesMarkedDegraded_andNormalAfter() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        List<PostRef> expected = new ArrayList<>();
        expected.add(fx.publish(author));
        expected.add(fx.publish(author));
        JsonPath before = Fixture.page(reader, 10, null);
        assertThat(Fixture.ids(before)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(before.getString("degraded")).isNull();

        relation.down = true;
        followees.invalidateAll(); // the fresh lists expired, as they do after feed.timeline.followees-ttl
        hiddenAuthors.expireFresh();
        double degradedBefore = degradedReads("relation");
        JsonPath during = Fixture.page(reader, 10, null);
        assertThat(Fixture.ids(during)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(during.getBoolean("degraded")).isTrue();
        assertThat(degradedReads("relation") - degradedBefore).isEqualTo(1.0);

        relation.down = false;
        breakers.resetAll();
        followees.invalidateAll();
        hiddenAuthors.expireFresh();
        JsonPath after = Fixture.page(reader, 10, null);
        assertThat(Fixture.ids(after)).containsExactlyElementsOf(newestFirst(expected));
        assertThat(after.getString("degraded")).isNull();
    }

    @Test
    void relationBreaker_opensAfterRepeatedFailures_soReadsStopCallingRelationService_andItsStateIsAMetricAndInReadiness() {
        relation.down = true;
        int reads = 30;
        for (int i = 0; i < reads; i++) {
            Fixture.as(newUser()).get("/v1/timeline").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue());
        }
        assertThat(breakers.currentState(GuardedRelation.FOLLOWEES)).isEqualTo(CircuitBreakerState.OPEN);
        // Closed, each read makes two calls (one retry); once open, none: far fewer than 2 per read.
        assertThat(relation.followeeCalls.get()).isLessThan(2 * reads - 10);
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'circuit-breakers' }.data.'relation-followees'", equalTo("OPEN"));
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ft_circuitbreaker_state_current{method=\"dev.feed.relation.GuardedRelation.followees\",state=\"open\"} 1.0");
    }

    @Test
    void timeline_whenRedisIsStopped_isReadFromCassandraMarkedDegraded_andFromRedisAgainAfterItStarts() {
        long author = newUser();
        long reader = newUser();
        relation.followPush(reader, author);
        List<PostRef> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(fx.publish(author));
        }
        expected.add(fx.publish(reader));
        assertThat(Fixture.ids(Fixture.page(reader, 10, null))).containsExactlyElementsOf(newestFirst(expected));

        double degradedBefore = degradedReads("redis");
        LocalStack.stop("redis");
        try {
            JsonPath first = Fixture.page(reader, 3, null);
            assertThat(first.getBoolean("degraded")).isTrue();
            assertThat(Fixture.ids(first)).containsExactlyElementsOf(newestFirst(expected).subList(0, 3));
            JsonPath second = Fixture.page(reader, 3, first.getString("nextCursor"));
            assertThat(Fixture.ids(second)).containsExactlyElementsOf(newestFirst(expected).subList(3, 4));
            assertThat(degradedReads("redis") - degradedBefore).isEqualTo(2.0);
        } finally {
            LocalStack.start("redis");
        }
        breakers.resetAll();
        JsonPath after = Fixture.page(reader, 10, null); // Redis came back empty: rebuilt from Cassandra
        assertThat(after.getString("degraded")).isNull();
        assertThat(Fixture.ids(after)).containsExactlyElementsOf(newestFirst(expected));
    }

    private double degradedReads(String reason) {
        var counter = registry.find(DegradedReads.METER).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
