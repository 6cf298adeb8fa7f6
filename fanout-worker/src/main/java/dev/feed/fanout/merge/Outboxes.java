package dev.feed.fanout.merge;

import dev.feed.fanout.inbox.InboxStore.Entry;
import dev.feed.fanout.redis.RedisPipeline;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads authors' outboxes ({@code outbox:{authorId}}, written by feed-service): newest first, sentinel
 * left out. feed-service's rule, which a merge keeps too: only an outbox holding its sentinel is the
 * author's whole history; without it, it vouches only down to its oldest entry.
 */
@ApplicationScoped
public class Outboxes {
    /** Marks a live-but-empty ZSET; never a post, and must never be removed from an inbox. */
    static final String SENTINEL = "0";

    private final RedisPipeline redis;

    public Outboxes(RedisPipeline redis) {
        this.redis = redis;
    }

    public static String key(long authorId) {
        return "outbox:{" + authorId + "}";
    }

    /**
     * What a merge may take from an outbox: its newest entries, and whether they are all of the
     * author's posts a merge of {@code limit} needs.
     *
     * @param entries newest first, at most the limit, sentinel left out
     * @param vouched the outbox holds its sentinel (feed-service wrote the whole history with it;
     *                a trim removes it first), or at least {@code limit} posts (then the merge fills
     *                an inbox's cap with this author alone, and the inbox vouches down to its oldest)
     * @param exists false when Redis has no outbox: the author never posted, or Redis lost it
     */
    public record Slice(List<Entry> entries, boolean vouched, boolean exists) {
        /** The oldest entry, where a partial outbox stops vouching. */
        public Entry oldest() {
            return entries.get(entries.size() - 1);
        }
    }

    /**
     * The newest {@code limit} entries with their createdAt scores, in one round trip. The lowest
     * entry is read first: a trim between the commands takes the sentinel, never a post, first.
     */
    public Uni<Slice> newest(long authorId, int limit) {
        String key = key(authorId);
        return redis.batch(List.of(
                        Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(0),
                        Request.cmd(Command.ZCARD).arg(key),
                        Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(limit - 1).arg("REV").arg("WITHSCORES")))
                .map(r -> {
                    boolean sentinel = r.get(0).size() > 0 && SENTINEL.equals(r.get(0).get(0).toString());
                    long posts = r.get(1).toLong() - (sentinel ? 1 : 0);
                    return new Slice(entries(r.get(2)), sentinel || posts >= limit, r.get(1).toLong() > 0);
                });
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
