package dev.feed.relation.event;

import static dev.feed.relation.TestUsers.follow;
import static dev.feed.relation.TestUsers.newUser;
import static dev.feed.relation.TestUsers.unfollow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.feed.relation.Db;
import dev.feed.relation.follow.FollowStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RelayTest {
    @Inject
    Pool pool;
    @Inject
    Relay relay;
    @Inject
    FollowStore store;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "feed.relay.topic")
    String topic;

    @Test
    void eventsOfAPair_arriveOnce_inOrder_withTheirKey() {
        long alice = newUser();
        long bob = newUser();
        follow(alice, bob);
        unfollow(alice, bob);
        follow(alice, bob);
        relay.drainNow();

        String key = EventLog.pairKey(alice, bob);
        assertThat(unpublished(key)).isZero();
        List<ConsumerRecord<String, String>> records = keyed(key);
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("type"))
                .containsExactly(EventLog.FOLLOWED, EventLog.UNFOLLOWED, EventLog.FOLLOWED);
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("eventId"))
                .containsExactlyElementsOf(eventIds(key));
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
    }

    @Test
    void kafkaUnreachable_apiKeepsWorking_committedChangesPublishedOnceAfterRecovery_rolledBackEmitNothing() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        String pair = EventLog.pairKey(alice, bob);
        String ghost = EventLog.pairKey(carol, bob);
        relay.redirect("127.0.0.1:1");
        try {
            double failuresBefore = relay.failureCount();
            follow(alice, bob);
            unfollow(alice, bob);
            follow(alice, bob);
            // A change whose transaction rolls back after writing its edge, counts and event row.
            assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                    () -> store.follow(carol, bob).chain(() -> Uni.createFrom().failure(new IllegalStateException("rolled back on purpose"))))))
                    .hasMessageContaining("rolled back on purpose");

            relay.drainNow();
            assertThat(relay.failureCount()).as("the relay tried and failed").isGreaterThan(failuresBefore);
            assertThat(relay.failing()).isTrue();
            assertThat(unpublished(pair)).as("committed events wait in PostgreSQL").isEqualTo(3);
            assertThat(Db.eventTypes(pool, ghost)).as("a rolled-back change leaves no event").isEmpty();
            assertThat(Db.count(pool, "SELECT follower_count FROM users WHERE id = $1", bob)).isEqualTo(1);
        } finally {
            relay.redirect(null);
        }

        relay.drainNow();

        assertThat(relay.failing()).isFalse();
        assertThat(unpublished(pair)).isZero();
        List<ConsumerRecord<String, String>> records = keyed(pair);
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("eventId"))
                .as("each committed event exactly once, in commit order")
                .containsExactlyElementsOf(eventIds(pair));
        assertThat(records).extracting(r -> JsonPath.from(r.value()).getString("type"))
                .containsExactly(EventLog.FOLLOWED, EventLog.UNFOLLOWED, EventLog.FOLLOWED);
        assertThat(keyed(ghost)).isEmpty();
    }

    @Test
    void anotherRelayHoldsTheLock_thisOneSkipsTheRound_thenPublishesOnce() {
        long alice = newUser();
        long bob = newUser();
        String key = EventLog.pairKey(alice, bob);
        // Plays a second relay instance in the middle of its batch.
        SqlConnection other = pool.getConnection().await().indefinitely();
        Transaction batch = other.begin().await().indefinitely();
        try {
            other.query("SELECT pg_advisory_xact_lock(" + Relay.LOCK_KEY + ")").execute().await().indefinitely();
            follow(alice, bob);
            assertThat(relay.drainNow()).isZero();
            assertThat(unpublished(key)).isEqualTo(1);
        } finally {
            batch.rollback().await().indefinitely();
            other.close().await().indefinitely();
        }

        relay.drainNow();

        assertThat(unpublished(key)).isZero();
        assertThat(keyed(key)).hasSize(1);
    }

    @Test
    void purge_deletesPublishedRowsPastRetention_keepsUnpublishedAndRecent() {
        String key = "purge-" + java.util.UUID.randomUUID();
        pool.preparedQuery("""
                INSERT INTO relation_events (event_id, type, partition_key, payload, created_at, published_at) VALUES
                    (gen_random_uuid(), 'test.old-published', $1, '{}', now() - interval '30 days', now() - interval '30 days'),
                    (gen_random_uuid(), 'test.old-unpublished', $1, '{}', now() - interval '30 days', NULL),
                    (gen_random_uuid(), 'test.recent-published', $1, '{}', now(), now())""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(key)).await().indefinitely();
        try {
            relay.purge();
            assertThat(Db.eventTypes(pool, key)).containsExactly("test.old-unpublished", "test.recent-published");
        } finally {
            // Leave nothing behind for the relay (should it publish the row first, its key is unique: harmless).
            pool.preparedQuery("DELETE FROM relation_events WHERE partition_key = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(key)).await().indefinitely();
        }
    }

    private List<ConsumerRecord<String, String>> keyed(String key) {
        return TopicReader.readAll(bootstrap, topic).stream().filter(r -> key.equals(r.key())).toList();
    }

    private List<String> eventIds(String key) {
        return Db.rows(pool, "SELECT event_id::text FROM relation_events WHERE partition_key = $1 ORDER BY seq", key)
                .stream().map(r -> r.getString(0)).toList();
    }

    private long unpublished(String key) {
        return Db.count(pool, "SELECT count(*) FROM relation_events WHERE partition_key = $1 AND published_at IS NULL", key);
    }

}
