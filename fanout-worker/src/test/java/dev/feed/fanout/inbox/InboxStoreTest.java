package dev.feed.fanout.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InboxStoreTest {
    @Inject
    InboxStore inboxes;
    @Inject
    InboxConfig config;
    @Inject
    Redis redis;

    @Test
    void pushToActive_onlyExistingInboxesReceive() {
        long active = newUser();
        long inactive = newUser();
        activate(active);

        int pushed = inboxes.pushToActive(List.of(active, inactive), 77L, 1_700_000_000_000L).await().indefinitely();

        assertThat(pushed).isEqualTo(1);
        assertThat(members(active)).contains("77");
        assertThat(exists(inactive)).as("an inactive reader's inbox is not created").isFalse();
    }

    @Test
    void pushToActive_redelivered_storesThePostOnce_andKeepsTheTtl() {
        long user = newUser();
        activate(user);
        inboxes.pushToActive(List.of(user), 5L, 1_700_000_000_000L).await().indefinitely();
        inboxes.pushToActive(List.of(user), 5L, 1_700_000_000_000L).await().indefinitely();

        assertThat(members(user)).filteredOn("5"::equals).hasSize(1);
        long ttl = redis.send(Request.cmd(Command.TTL).arg(InboxStore.key(user))).await().indefinitely().toLong();
        assertThat(ttl).as("the push must not clear the activity TTL").isPositive();
    }

    @Test
    void pushToActive_trimsToMaxEntries() {
        long user = newUser();
        activate(user);
        int max = config.maxEntries();
        for (int i = 1; i <= max + 10; i++) {
            inboxes.pushToActive(List.of(user), 1000L + i, 1_700_000_000_000L + i).await().indefinitely();
        }
        assertThat(members(user)).hasSize(max).contains(Long.toString(1000L + max + 10)).doesNotContain("1001");
    }

    @Test
    void pushToActive_manyInboxesInOneBatch() {
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long u = newUser();
            users.add(u);
            if (i % 5 == 0) {
                activate(u);
            }
        }
        assertThat(inboxes.pushToActive(users, 9L, 1_700_000_000_000L).await().indefinitely()).isEqualTo(200);
    }

    private void activate(long user) {
        // What the read path does for an active reader: an inbox with a sentinel and a TTL.
        String key = InboxStore.key(user);
        redis.send(Request.cmd(Command.ZADD).arg(key).arg(0).arg("0")).await().indefinitely();
        redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(config.ttl().toSeconds())).await().indefinitely();
    }

    private boolean exists(long user) {
        return redis.send(Request.cmd(Command.EXISTS).arg(InboxStore.key(user))).await().indefinitely().toInteger() == 1;
    }

    private List<String> members(long user) {
        Response r = redis.send(Request.cmd(Command.ZRANGE).arg(InboxStore.key(user)).arg(0).arg(-1)).await().indefinitely();
        List<String> out = new ArrayList<>();
        r.forEach(m -> out.add(m.toString()));
        return out;
    }

    private static long newUser() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
