package dev.feed.fanout.merge;

import dev.feed.fanout.inbox.InboxStore.Entry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Reads authors' outboxes ({@code outbox:{authorId}}, written by feed-service): newest first, sentinel left out. */
@ApplicationScoped
public class Outboxes {
    /** Marks a live-but-empty ZSET; never a post, and must never be removed from an inbox. */
    static final String SENTINEL = "0";

    private final Redis redis;

    public Outboxes(Redis redis) {
        this.redis = redis;
    }

    public static String key(long authorId) {
        return "outbox:{" + authorId + "}";
    }

    /** The newest {@code limit} entries with their createdAt scores. */
    public Uni<List<Entry>> newest(long authorId, int limit) {
        return redis.send(Request.cmd(Command.ZRANGE).arg(key(authorId)).arg(0).arg(limit - 1).arg("REV").arg("WITHSCORES"))
                .map(Outboxes::entries);
    }

    /** Every member (the outbox is capped by feed-service, so this is bounded). */
    public Uni<List<String>> members(long authorId) {
        return redis.send(Request.cmd(Command.ZRANGE).arg(key(authorId)).arg(0).arg(-1))
                .map(r -> {
                    List<String> out = new ArrayList<>(r.size());
                    for (Response m : r) {
                        if (!SENTINEL.equals(m.toString())) {
                            out.add(m.toString());
                        }
                    }
                    return out;
                });
    }

    /** WITHSCORES is a flat member, score list under RESP2 and a list of pairs under RESP3. */
    private static List<Entry> entries(Response r) {
        List<Entry> out = new ArrayList<>();
        if (r == null || r.size() == 0) {
            return out;
        }
        if (r.get(0).type() == ResponseType.MULTI) {
            for (Response pair : r) {
                add(out, pair.get(0).toString(), pair.get(1));
            }
        } else {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                add(out, r.get(i).toString(), r.get(i + 1));
            }
        }
        return out;
    }

    private static void add(List<Entry> out, String member, Response score) {
        if (!SENTINEL.equals(member)) {
            out.add(new Entry(member, (long) Double.parseDouble(score.toString())));
        }
    }
}
