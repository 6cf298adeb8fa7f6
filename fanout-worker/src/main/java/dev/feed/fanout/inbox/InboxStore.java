package dev.feed.fanout.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Followers' inboxes: ZSET {@code inbox:{userId}}, post id members scored by createdAt epoch ms.
 *
 * <p>An inbox exists only while its reader is active: reads refresh its TTL, and fanout writes
 * only into inboxes that exist, so inactive readers cost nothing and are rebuilt by pull when
 * they come back. The existence check and the write must be one atomic step (else a push could
 * recreate an inbox that just expired, without TTL, as a forever-"active" partial inbox), hence
 * a one-key script: one key per call keeps it inside one Redis Cluster hash slot.
 */
@ApplicationScoped
public class InboxStore {
    /** KEYS[1] inbox; ARGV score, member, max entries. Returns 1 if pushed, 0 if the inbox is absent. */
    static final String PUSH_IF_ACTIVE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
            return 1
            """;

    private final Redis redis;
    private final InboxConfig config;
    private volatile String pushSha;

    public InboxStore(Redis redis, InboxConfig config) {
        this.redis = redis;
        this.config = config;
    }

    public static String key(long userId) {
        return "inbox:{" + userId + "}";
    }

    /**
     * Pushes one post into every listed inbox that exists, trimmed to the cap, in one pipelined
     * round trip. Idempotent: a redelivered batch re-adds the same member with the same score.
     *
     * @return how many inboxes received the post (the active followers)
     */
    public Uni<Integer> pushToActive(List<Long> userIds, long postId, long createdAtMillis) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return scriptSha().chain(sha -> {
            List<Request> batch = new ArrayList<>(userIds.size());
            for (long userId : userIds) {
                batch.add(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg(key(userId))
                        .arg(createdAtMillis).arg(postId).arg(config.maxEntries()));
            }
            return redis.batch(batch);
        }).map(InboxStore::countPushed);
    }

    private static int countPushed(List<Response> responses) {
        int pushed = 0;
        for (Response r : responses) {
            pushed += r.toInteger();
        }
        return pushed;
    }

    /** Loads the script once per process; SCRIPT LOAD is idempotent, so a race only loads it twice. */
    private Uni<String> scriptSha() {
        String sha = pushSha;
        if (sha != null) {
            return Uni.createFrom().item(sha);
        }
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(PUSH_IF_ACTIVE))
                .map(r -> pushSha = r.toString());
    }
}
