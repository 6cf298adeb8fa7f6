package dev.feed.post;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Recently deleted post ids in Redis, checked by every hydration. This is what lets instances
 * cache posts locally and still never show a post after its delete returned: the delete writes
 * the tombstone before answering, and a tombstone outlives any locally cached copy ({@link #TTL}
 * > the post cache's lifetime). The durable tombstone stays in Cassandra; this is its fast shadow.
 *
 * <p>Layout: ZSETs {@code tombs:{shard}}, member the post id, score the delete time in ms, plus the
 * member {@value #GENERATION}. A page of 30 candidates is then one {@code ZMSCORE} per shard
 * touched (one with the default single shard) instead of one {@code EXISTS} per post; each mark
 * drops members older than the TTL, so a shard holds about one TTL's worth of deletes. Shards do
 * not expire: an idle one is its generation alone.
 *
 * <p>Losing a shard (Redis restarted, or lost that key) loses its recent tombstones, but not the
 * deletes: Cassandra's {@code posts.deleted_at} is the durable tombstone. {@link PostHydrator}
 * trusts a locally cached post only under the generation it was loaded under, so after a loss every
 * cached copy is read again from Cassandra once.
 *
 * <p>The member {@value #SEQUENCE} counts the shard's deletes (its score, from
 * {@link #SEQUENCE_BASE}): every mark raises it before the delete returns. A post checked clean
 * under (generation, sequence) is still clean while both are unchanged, so a read that fetched the
 * shards' {@link Stamps} in the pipeline of its inbox page ({@link #stampRequests}) needs no
 * tombstone round trip of its own for posts it already checked ({@link PostHydrator}).
 */
@ApplicationScoped
public class Tombstones {
    static final Duration TTL = Duration.ofDays(1);
    /**
     * Member of every shard that names its generation (the score): a shard Redis lost comes back
     * with another one, so a copy cached under the old generation is not trusted any more, since the
     * tombstones recorded before the loss are gone with it. Never a post id (those are digits only).
     */
    static final String GENERATION = "generation";
    /** Member whose score counts the shard's marks. Never a post id. */
    static final String SEQUENCE = "sequence";
    /**
     * Where a sequence starts: far above any delete time in milliseconds (so the TTL trim never
     * drops it) and far below any generation (2^52 and up).
     */
    static final long SEQUENCE_BASE = 1L << 51;

    private final Redis redis;
    private final int shards;
    private final Clock clock;

    @Inject
    public Tombstones(Redis redis, PostConfig config) {
        this(redis, config, Clock.systemUTC());
    }

    Tombstones(Redis redis, PostConfig config, Clock clock) {
        if (config.tombstoneShards() < 1) {
            throw new IllegalStateException("feed.post.tombstone-shards must be >= 1, got " + config.tombstoneShards());
        }
        this.redis = redis;
        this.shards = config.tombstoneShards();
        this.clock = clock;
    }

    static String key(int shard) {
        return "tombs:{" + shard + "}";
    }

    int shardOf(long postId) {
        return (int) Math.floorMod(postId, (long) shards);
    }

    public Uni<Void> mark(long postId) {
        return redis.batch(markRequests(List.of(postId))).replaceWithVoid();
    }

    /**
     * Marks many posts deleted and sends {@code alongside} (the caller's own single-key requests) in
     * the same pipelined round trip.
     */
    public Uni<Void> markAll(java.util.Collection<Long> postIds, List<Request> alongside) {
        List<Request> requests = new java.util.ArrayList<>(markRequests(postIds));
        requests.addAll(alongside);
        return redis.batch(requests).replaceWithVoid();
    }

    /**
     * The requests that mark many posts deleted, for one pipelined round trip: per shard
     * touched, one ZADD of all its ids and the sequence raised by their number.
     */
    List<Request> markRequests(java.util.Collection<Long> postIds) {
        long now = clock.millis();
        java.util.Map<Integer, List<Long>> byShard = new java.util.TreeMap<>();
        for (long id : postIds) {
            byShard.computeIfAbsent(shardOf(id), s -> new java.util.ArrayList<>()).add(id);
        }
        List<Request> requests = new java.util.ArrayList<>();
        byShard.forEach((shard, ids) -> {
            String key = key(shard);
            Request add = Request.cmd(Command.ZADD).arg(key);
            ids.forEach(id -> add.arg(now).arg(id));
            // a shard Redis lost starts a new generation before it records anything
            requests.add(Request.cmd(Command.ZADD).arg(key).arg("NX").arg(newGeneration()).arg(GENERATION));
            requests.add(Request.cmd(Command.ZADD).arg(key).arg("NX").arg(SEQUENCE_BASE).arg(SEQUENCE));
            requests.add(add);
            // after the tombstones: a reader that sees the old sequence may still see the posts (the delete has not returned)
            requests.add(Request.cmd(Command.ZINCRBY).arg(key).arg(ids.size()).arg(SEQUENCE));
            // the generation scores far above any delete time, so this never drops it
            requests.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg("(" + (now - TTL.toMillis())));
        });
        return requests;
    }

    /** The subset of ids deleted within the TTL. One round trip, one command per shard touched. */
    public Uni<Set<Long>> deleted(List<Long> ids) {
        return check(ids).map(Check::deleted);
    }

    /**
     * What a hydration needs: which ids were deleted within the TTL, and the generation of each
     * shard the ids fall in (null where the shard had none: lost, so nothing cached may be trusted;
     * a new generation is started then). One round trip, one command per shard, while no shard is lost.
     */
    public Uni<Check> check(List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Check(Set.of(), Map.of(), Map.of(), this));
        }
        Map<Integer, List<Long>> byShard = new LinkedHashMap<>();
        for (long id : ids) {
            byShard.computeIfAbsent(shardOf(id), s -> new ArrayList<>()).add(id);
        }
        List<Request> batch = new ArrayList<>(byShard.size());
        byShard.forEach((shard, members) -> {
            Request zmscore = Request.cmd(Command.ZMSCORE).arg(key(shard)).arg(GENERATION).arg(SEQUENCE);
            members.forEach(zmscore::arg);
            batch.add(zmscore);
        });
        long oldest = clock.millis() - TTL.toMillis();
        return redis.batch(batch).chain(responses -> {
            Set<Long> deleted = new HashSet<>();
            Map<Integer, Long> generations = new HashMap<>();
            Map<Integer, Long> sequences = new HashMap<>();
            List<Integer> lost = new ArrayList<>();
            int i = 0;
            for (Map.Entry<Integer, List<Long>> shard : byShard.entrySet()) {
                Response scores = responses.get(i++);
                Response generation = scores == null ? null : scores.get(0);
                if (generation == null) {
                    lost.add(shard.getKey());
                } else {
                    generations.put(shard.getKey(), generation.toDouble().longValue());
                }
                Response sequence = scores == null ? null : scores.get(1);
                if (sequence != null) {
                    sequences.put(shard.getKey(), sequence.toDouble().longValue());
                } else if (generation != null) {
                    lost.add(shard.getKey()); // a shard from before sequences: start its sequence
                }
                List<Long> members = shard.getValue();
                for (int j = 0; j < members.size(); j++) {
                    Response score = scores == null ? null : scores.get(j + 2);
                    // older than the TTL but not yet trimmed: no cached copy can remain, not a tombstone any more
                    if (score != null && score.toDouble() >= oldest) {
                        deleted.add(members.get(j));
                    }
                }
            }
            Check check = new Check(deleted, generations, sequences, this);
            return lost.isEmpty() ? Uni.createFrom().item(check) : startGenerations(lost).replaceWith(check);
        });
    }

    private Uni<Void> startGenerations(List<Integer> shards) {
        List<Request> batch = new ArrayList<>(2 * shards.size());
        for (int shard : shards) {
            batch.add(Request.cmd(Command.ZADD).arg(key(shard)).arg("NX").arg(newGeneration()).arg(GENERATION));
            batch.add(Request.cmd(Command.ZADD).arg(key(shard)).arg("NX").arg(SEQUENCE_BASE).arg(SEQUENCE));
        }
        return redis.batch(batch).replaceWithVoid();
    }

    /** A fresh generation: in [2^52, 2^53), exact as a score, far above any delete time in milliseconds. */
    private static long newGeneration() {
        return (1L << 52) + ThreadLocalRandom.current().nextLong(1L << 52);
    }

    /**
     * The requests that read every shard's {@link Stamp}, for a caller to put into a pipeline of its
     * own (a timeline read sends them with its inbox page); {@link #stamps} reads their answers.
     */
    public List<Request> stampRequests() {
        List<Request> requests = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            requests.add(Request.cmd(Command.ZMSCORE).arg(key(shard)).arg(GENERATION).arg(SEQUENCE));
        }
        return requests;
    }

    /** The stamps from the answers to {@link #stampRequests}, in that order (a shard without both members has none). */
    public Stamps stamps(List<Response> answers) {
        Map<Integer, Stamp> byShard = new HashMap<>();
        for (int shard = 0; shard < shards && shard < answers.size(); shard++) {
            Response scores = answers.get(shard);
            Response generation = scores == null ? null : scores.get(0);
            Response sequence = scores == null ? null : scores.get(1);
            if (generation != null && sequence != null) {
                byShard.put(shard, new Stamp(generation.toDouble().longValue(), sequence.toDouble().longValue()));
            }
        }
        return new Stamps(byShard, this);
    }

    /** A shard's state: its generation and how many deletes it has recorded under it. */
    public record Stamp(long generation, long sequence) {
    }

    /** Every shard's stamp at one moment; a post checked clean under its shard's stamp is still clean. */
    public record Stamps(Map<Integer, Stamp> byShard, Tombstones tombstones) {
        /** The stamp of the post's shard, or null if the shard has none (lost, or from before sequences). */
        public Stamp of(long postId) {
            return byShard.get(tombstones.shardOf(postId));
        }
    }

    /**
     * @param deleted ids deleted within the TTL
     * @param generations generation of each shard looked at that had one
     * @param sequences sequence of each shard looked at that had one, read together with the ids
     */
    public record Check(Set<Long> deleted, Map<Integer, Long> generations, Map<Integer, Long> sequences, Tombstones tombstones) {
        /** The generation of the post's shard, or null if that shard was lost (trust no cached copy). */
        public Long generationOf(long postId) {
            return generations.get(tombstones.shardOf(postId));
        }

        /** The stamp the post was checked under, or null if its shard lacked a generation or a sequence. */
        public Stamp stampOf(long postId) {
            int shard = tombstones.shardOf(postId);
            Long generation = generations.get(shard);
            Long sequence = sequences.get(shard);
            return generation == null || sequence == null ? null : new Stamp(generation, sequence);
        }
    }
}
