package dev.feed.publish;

import dev.feed.events.PostEvent;
import dev.feed.hotcache.PostRef;
import dev.feed.outbox.OutboxStore;
import dev.feed.post.PendingFanout;
import dev.feed.post.Post;
import dev.feed.post.PostHydrator;
import dev.feed.post.PostStore;
import dev.feed.post.IdClock;
import dev.feed.post.SnowflakeIds;
import dev.feed.post.Tombstones;
import dev.feed.problem.ProblemException;
import dev.feed.timeline.HiddenAuthorsCache;
import dev.feed.timeline.HomeInboxStore;
import dev.feed.timeline.OutboxReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Publish and delete. A post is durable (Cassandra, with its pending-fanout record) before the
 * caller hears 201; the outbox push and the Kafka dispatch follow, and if either fails the
 * pending record stays and {@link PendingFanoutRelay} finishes the job. So a published post is
 * never left without fanout, and a failure after the durable write never fails the publish.
 */
@ApplicationScoped
public class PublishService {
    private static final Logger LOG = Logger.getLogger(PublishService.class);

    private final PostStore posts;
    private final OutboxStore outbox;
    private final HomeInboxStore inbox;
    private final OutboxReader outboxReader;
    private final PostEventProducer events;
    private final Tombstones tombstones;
    private final PostHydrator hydrator;
    private final HiddenAuthorsCache hiddenAuthors;
    private final PublishConfig config;
    private final IdClock ids;
    private final Counter published;
    private final Counter deleted;
    private final Counter dispatchDeferred;

    public PublishService(PostStore posts, OutboxStore outbox, HomeInboxStore inbox, OutboxReader outboxReader, PostEventProducer events,
            Tombstones tombstones, PostHydrator hydrator, HiddenAuthorsCache hiddenAuthors, PublishConfig config, IdClock ids,
            MeterRegistry metrics) {
        this.hiddenAuthors = hiddenAuthors;
        this.posts = posts;
        this.outbox = outbox;
        this.inbox = inbox;
        this.outboxReader = outboxReader;
        this.events = events;
        this.tombstones = tombstones;
        this.hydrator = hydrator;
        this.config = config;
        this.ids = ids;
        this.published = metrics.counter("feed_publish_total");
        this.deleted = metrics.counter("feed_delete_total");
        this.dispatchDeferred = metrics.counter("feed_publish_dispatch_deferred_total");
    }

    /** Publishes, or returns the post an earlier request with the same Idempotency-Key made. */
    public Uni<Post> publish(long authorId, String text, Optional<String> idempotencyKey) {
        // The request's trace, taken now: the steps below complete on the Cassandra driver's
        // threads, where it is no longer current, and the Kafka event must carry it on.
        Context trace = Context.current();
        return idempotencyKey.isPresent()
                ? publishOnce(authorId, idempotencyKey.get(), text, trace)
                // a fresh Snowflake id names no stored post: nothing to look up before the write
                : storeAndDispatch(newPost(ids.next(), authorId, text), trace);
    }

    /**
     * The id bound to the Idempotency-Key (this request's or a concurrent retry's): its post if
     * already written, else written now.
     */
    private Uni<Post> publishOnce(long authorId, String idempotencyKey, String text, Context trace) {
        return posts.reserveIdempotencyKey(authorId, idempotencyKey, ids.next())
                .chain(id -> posts.find(id).chain(found -> found.isPresent()
                        ? Uni.createFrom().item(found.get())
                        : storeAndDispatch(newPost(id, authorId, text), trace)));
    }

    private static Post newPost(long id, long authorId, String text) {
        return new Post(id, authorId, text, SnowflakeIds.instantOf(id), null);
    }

    // A retry that adopted a reserved id whose first request died before writing simply writes
    // the post now: the insert is an upsert of the same id, so racing requests converge.
    private Uni<Post> storeAndDispatch(Post post, Context trace) {
        return posts.insertWithPendingFanout(post, shardOf(post.id()))
                .invoke(() -> published.increment())
                .call(pending -> dispatchWithinRequest(pending, PostEvent.PUBLISHED, trace))
                .replaceWith(post);
    }

    /** A repost and whether this request made it (false: the user had reposted that original before). */
    public record Reposted(Post repost, Post original, boolean created) {
    }

    /**
     * Reposts {@code postId} for the user, once: a repeated repost of the same original answers the
     * first. The repost is a post of the reposter's (own id, empty text, {@code repostOf}), stored and
     * dispatched exactly as a publish, so push tier, pull tier, outbox, relay and rebuild treat it
     * like any post. A repost of a repost reposts its original (Mastodon's rule: a repost never
     * nests). Unknown or deleted original: 404.
     */
    public Uni<Reposted> repost(long userId, long postId) {
        Context trace = Context.current(); // as in publish
        return liveOriginal(postId)
                .call(original -> refuseAcrossBlock(userId, original))
                .chain(original -> posts.reserveRepost(userId, original.id(), ids.next())
                        .chain(id -> posts.find(id).chain(found -> found.isPresent() && !found.get().deleted()
                                ? Uni.createFrom().item(new Reposted(found.get(), original, false))
                                // first repost, or a retry adopting an id whose first request died before writing it
                                : storeAndDispatch(new Post(id, userId, "", SnowflakeIds.instantOf(id), null, original.id()), trace)
                                        .map(post -> new Reposted(post, original, true)))));
    }

    /**
     * A block in either direction between the reposter and the original's author refuses the repost
     * with 403, as DESIGN refuses a follow across a block: the repost would carry the author's post
     * to the reposter's followers against the block. A mute does not refuse it. relation-service is
     * asked at the write, not the cached set ({@link HiddenAuthorsCache#blockedBetween}).
     */
    private Uni<Void> refuseAcrossBlock(long userId, Post original) {
        return hiddenAuthors.blockedBetween(userId, original.authorId()).map(blocked -> {
            if (blocked) {
                throw new ProblemException(403, "blocked", "Blocked",
                        "a block lies between you and the author of post " + original.id() + ": it cannot be reposted");
            }
            return null;
        });
    }

    /** The post a repost of {@code postId} points at: the post itself, or its original if it is a repost; 404 if gone. */
    private Uni<Post> liveOriginal(long postId) {
        return livePost(postId).chain(post -> post.isRepost() ? livePost(post.repostOf()) : Uni.createFrom().item(post));
    }

    private Uni<Post> livePost(long postId) {
        return Uni.combine().all().unis(posts.find(postId), tombstones.deleted(java.util.List.of(postId))).asTuple().map(t -> {
            Post post = t.getItem1().filter(p -> !p.deleted() && !t.getItem2().contains(postId)).orElse(null);
            if (post == null) {
                throw ProblemException.notFound("no post with id " + postId);
            }
            return post;
        });
    }

    /** Deletes the caller's post: 404 if it never existed, 403 if it is someone else's, 204 again if already deleted. */
    public Uni<Void> delete(long callerId, long postId) {
        Context trace = Context.current(); // as in publish
        return posts.findStored(postId).chain(found -> {
            PostStore.Stored stored = found.orElseThrow(() -> ProblemException.notFound("no post with id " + postId));
            Post post = stored.post();
            if (post.authorId() != callerId) {
                throw new ProblemException(403, "forbidden", "Forbidden", "only the author may delete post " + postId);
            }
            if (post.deleted()) {
                // a retried delete still makes sure reads drop it, and finishes its reposts
                return hideFromReads(postId).call(() -> deleteReposts(postId, trace));
            }
            return posts.tombstone(stored, Instant.now(), shardOf(postId))
                    .invoke(() -> deleted.increment())
                    .call(() -> hideFromReads(postId))
                    .call(pending -> dispatchWithinRequest(pending, PostEvent.DELETED, trace))
                    .call(() -> deleteReposts(postId, trace))
                    .replaceWithVoid();
        });
    }

    /**
     * With its original, every repost goes too, before the delete answers: reads already drop a
     * repost whose original is tombstoned (hydration checks both); here each repost is tombstoned in
     * Cassandra (leaving its reposter's listing), marked in Redis and dispatched as a delete (the
     * reposter's outbox and own inbox now, followers' inboxes by fanout-worker).
     *
     * <p>In batches of {@code feed.publish.repost-delete-batch}, one after the other, so a heavily
     * reposted original neither floods Cassandra with thousands of requests at once nor makes one
     * round trip per repost: per batch one Cassandra read of its reposts ({@code IN}), their
     * tombstone writes in flight together (one logged batch each: a repost's rows live in several
     * partitions, too many for one batch), one pipelined Redis round trip (tombstones, the
     * reposters' outboxes and own inboxes), then their events in flight together, each followed by
     * the removal of its pending record. Each tombstone leaves a pending delete record, so what the
     * request does not finish the relay does.
     */
    private Uni<Void> deleteReposts(long originalId, Context trace) {
        return posts.repostsOf(originalId).chain(reposts -> {
            if (reposts.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<List<Long>> batches = new ArrayList<>();
            int size = Math.max(1, config.repostDeleteBatch());
            for (int i = 0; i < reposts.size(); i += size) {
                batches.add(reposts.subList(i, Math.min(reposts.size(), i + size)).stream().map(PostStore.RepostRef::repostId).toList());
            }
            return Multi.createFrom().iterable(batches)
                    .onItem().transformToUniAndConcatenate(batch -> deleteRepostBatch(batch, trace))
                    .collect().last().replaceWithVoid();
        });
    }

    /** One batch of a delete's reposts (see {@link #deleteReposts}); reposts deleted already are marked in Redis again only. */
    private Uni<Void> deleteRepostBatch(List<Long> repostIds, Context trace) {
        return posts.findStoredAll(repostIds).chain(found -> {
            List<Uni<PendingFanout>> writes = new ArrayList<>();
            for (PostStore.Stored stored : found.values()) {
                if (!stored.post().deleted()) {
                    writes.add(posts.tombstone(stored, Instant.now(), shardOf(stored.post().id())).invoke(() -> deleted.increment()));
                }
            }
            Uni<List<PendingFanout>> tombstoned = writes.isEmpty() ? Uni.createFrom().item(List.<PendingFanout>of()) : Uni.join().all(writes).andFailFast();
            return tombstoned.chain(pending -> {
                repostIds.forEach(hydrator::evict);
                List<Request> alongside = new ArrayList<>(2 * pending.size());
                for (PendingFanout p : pending) {
                    alongside.add(OutboxStore.removal(p.authorId(), p.postId()));
                    alongside.add(HomeInboxStore.ownRemoval(p.authorId(), p.postId()));
                }
                // as hideFromReads: if Redis fails the delete fails (durable, safe to retry), the relay finishes the rest
                return tombstones.markAll(repostIds, alongside).chain(() -> sendDeletesWithinRequest(pending, trace));
            });
        });
    }

    /** The batch's delete events, all in flight together; each acknowledged one's pending record goes. Never fails. */
    private Uni<Void> sendDeletesWithinRequest(List<PendingFanout> pending, Context trace) {
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(pending.size());
        for (PendingFanout p : pending) {
            Post post = new Post(p.postId(), p.authorId(), null, p.createdAt(), null, p.repostOf());
            sends.add(events.send(eventOf(PostEvent.DELETED, post), trace)
                    .chain(() -> posts.donePending(p))
                    .onFailure().recoverWithItem(e -> {
                        dispatchDeferred.increment();
                        LOG.warnf("delete event of repost %d deferred to the relay: %s", p.postId(), e.toString());
                        return null;
                    }));
        }
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid()
                .ifNoItem().after(config.dispatchTimeout()).recoverWithItem((Void) null);
    }

    /**
     * Before the delete answers: the Redis tombstone every instance's hydration checks, and this
     * instance's cached copy. If Redis is down the delete fails (it is durable in Cassandra and
     * safe to retry) rather than answer 204 while cached copies could still be served.
     */
    private Uni<Void> hideFromReads(long postId) {
        hydrator.evict(postId);
        return tombstones.mark(postId);
    }

    /** The request waits for the dispatch only so long: a slow or absent Kafka is the relay's job, not the caller's. */
    private Uni<Void> dispatchWithinRequest(PendingFanout pending, String eventType, Context trace) {
        return dispatch(pending, eventType, trace).replaceWithVoid().ifNoItem().after(config.dispatchTimeout()).recoverWithItem((Void) null);
    }

    /** The {@code feed.posts} event of a post: {@code repostOf} only for a repost (the schema's optional field). */
    static PostEvent eventOf(String eventType, Post post) {
        return PostEvent.of(eventType, post.id(), post.authorId(), post.createdAtMillis(), post.isRepost() ? post.repostOf() : null);
    }

    /**
     * Outbox write, the author's own inbox (delivery to self), then the Kafka event, then the
     * pending record goes. Never fails: whatever does not happen now is left pending for the relay
     * (both Redis writes are idempotent). The event carries {@code trace}, so the fanout-worker's
     * spans join that trace. True when Kafka acknowledged and the record is gone; false when it
     * stays pending (the relay then stops at its bucket).
     */
    public Uni<Boolean> dispatch(PendingFanout pending, String eventType, Context trace) {
        Post post = new Post(pending.postId(), pending.authorId(), null, pending.createdAt(), null, pending.repostOf());
        PostRef ref = new PostRef(post.id(), post.createdAtMillis());
        boolean deletion = PostEvent.DELETED.equals(eventType);
        Uni<Void> outboxWrite = deletion ? outbox.remove(post.authorId(), post.id()) : pushOrWarm(post.authorId(), ref);
        return outboxWrite
                .chain(() -> deletion ? inbox.removeOwn(post.authorId(), post.id()) : inbox.pushOwn(post.authorId(), ref))
                .chain(() -> events.send(eventOf(eventType, post), trace))
                .chain(() -> posts.donePending(pending))
                .replaceWith(true)
                .onFailure().recoverWithItem(e -> {
                    dispatchDeferred.increment();
                    LOG.warnf("fanout dispatch of post %d deferred to the relay: %s", post.id(), e.toString());
                    return false;
                });
    }

    /**
     * Into the author's outbox; if Redis has none (lost, or an expired warm-up), it is warmed from
     * Cassandra, which holds this post already, instead of being created with this post alone.
     */
    private Uni<Void> pushOrWarm(long authorId, PostRef ref) {
        return outbox.push(authorId, ref).chain(pushed -> pushed ? Uni.createFrom().voidItem() : outboxReader.warm(authorId));
    }

    int shardOf(long postId) {
        return (int) Math.floorMod(postId, (long) config.pendingShards());
    }
}
