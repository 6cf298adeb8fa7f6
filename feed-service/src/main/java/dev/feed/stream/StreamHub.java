package dev.feed.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.hot.InstanceId;
import dev.feed.post.Cursor;
import dev.feed.post.PostHydrator;
import dev.feed.post.PostView;
import dev.feed.redis.RedisUnavailableException;
import dev.feed.timeline.HomeAuthors;
import dev.feed.timeline.ReaderChanges;
import dev.feed.timeline.SinceTimeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The open streams of this instance and the index that routes a post event to them: author ->
 * streams of readers whose home timeline that author's posts join (followees of both tiers, the
 * reader's own posts; hidden authors left out). Every instance sees every post event
 * ({@link StreamEvents}), so a reader connected here sees a post whatever instance published it
 * and wherever its fanout ran. A post is hydrated once per instance and serialized once, however
 * many streams it goes to.
 */
@ApplicationScoped
public class StreamHub {
    private static final Logger LOG = Logger.getLogger(StreamHub.class);

    private final HomeAuthors homeAuthors;
    private final SinceTimeline sinceTimeline;
    private final PostHydrator hydrator;
    private final ObjectMapper json;
    private final StreamConfig config;
    private final RecentEvents recent;
    private final Map<Long, Set<StreamSession>> byAuthor = new ConcurrentHashMap<>();
    private final Map<Long, Set<StreamSession>> byReader = new ConcurrentHashMap<>();
    private final Set<StreamSession> all = ConcurrentHashMap.newKeySet();
    /** Reservations, guarded by {@code this}: a stream counts from its 200 until it ends. */
    private final Map<Long, Integer> openPerUser = new HashMap<>();
    private int openTotal;
    private final Counter delivered;
    private final Counter leaseUnavailable;
    private final StreamLeases leases;
    private final InstanceId instance;
    private final AtomicLong leaseSeq = new AtomicLong();

    public StreamHub(HomeAuthors homeAuthors, SinceTimeline sinceTimeline, PostHydrator hydrator, ObjectMapper json,
            StreamConfig config, ReaderChanges changes, MeterRegistry registry, StreamLeases leases, InstanceId instance) {
        this.homeAuthors = homeAuthors;
        this.sinceTimeline = sinceTimeline;
        this.hydrator = hydrator;
        this.json = json;
        this.config = config;
        this.recent = new RecentEvents(config.recentWindow().toNanos(), config.recentMax());
        this.leases = leases;
        this.instance = instance;
        changes.listen(this::readerChanged);
        registry.gauge("feed_stream_open", all, Set::size);
        this.delivered = registry.counter("feed_stream_events_total");
        this.leaseUnavailable = Counter.builder("feed_stream_lease_unavailable_total")
                .description("Stream leases not taken or renewed because Redis did not answer (the per-user limit fell back to this instance)")
                .register(registry);
    }

    /** Thrown when a stream would go over a limit; answered 429. */
    static final class LimitReached extends RuntimeException {
        LimitReached(String detail) {
            super(detail, null, false, false);
        }
    }

    // ---- opening and closing ----

    /**
     * Counts the stream in, or refuses it, before any work is done: this instance's total, then the
     * user's streams on every instance (a Redis lease; with Redis unreachable or slow past
     * {@code lease-timeout}, the per-user count of this instance alone decides: a stream is not
     * refused because a limit could not be read). Blocks for at most {@code lease-timeout}.
     */
    StreamLeases.Lease admit(long readerId) {
        reserve(readerId);
        StreamLeases.Lease lease = new StreamLeases.Lease(readerId, instance.value() + ":" + leaseSeq.incrementAndGet());
        boolean taken;
        try {
            taken = leases.acquire(lease, config.maxPerUser(), config.leaseTtl().toMillis())
                    .await().atMost(config.leaseTimeout());
        } catch (RuntimeException e) {
            leaseUnavailable.increment();
            LOG.debugf("stream: no lease for %d (%s): counted on this instance only", readerId, e.toString());
            taken = true; // renewed at the next tick once Redis answers again
        }
        if (!taken) {
            release(readerId);
            throw new LimitReached("at most " + config.maxPerUser() + " open streams per user; close one first");
        }
        return lease;
    }

    private synchronized void reserve(long readerId) {
        if (openTotal >= config.maxPerInstance()) {
            throw new LimitReached("this instance holds its maximum of " + config.maxPerInstance() + " open streams; retry shortly");
        }
        int mine = openPerUser.getOrDefault(readerId, 0);
        if (mine >= config.maxPerUser()) {
            throw new LimitReached("at most " + config.maxPerUser() + " open streams per user; close one first");
        }
        openPerUser.put(readerId, mine + 1);
        openTotal++;
    }

    private synchronized void release(long readerId) {
        openPerUser.computeIfPresent(readerId, (k, n) -> n <= 1 ? null : n - 1);
        openTotal--;
    }

    /**
     * The stream of a reader who holds a reservation: replay above {@code since} (if given), then
     * live. Items of the live side that arrive during the replay wait in the session.
     */
    Multi<StreamItem> open(StreamLeases.Lease lease, Cursor since) {
        return Multi.createFrom().<StreamItem>emitter(emitter -> {
            StreamSession session = new StreamSession(lease, since, emitter, System.nanoTime(), config.buffer());
            emitter.onTermination(() -> close(session));
            start(session, since);
        }, config.buffer());
    }

    private void start(StreamSession session, Cursor since) {
        homeAuthors.visible(session.readerId)
                .invoke(authors -> register(session, authors))
                .chain(authors -> since == null ? Uni.createFrom().voidItem() : catchUp(session, since))
                .subscribe().with(ignored -> session.goLive(System.nanoTime()), failure -> {
                    LOG.debugf("stream of %d failed to start: %s", session.readerId, failure.toString());
                    session.fail(failure);
                });
    }

    private void register(StreamSession session, Set<Long> authors) {
        if (session.ended()) {
            return; // the client left while its lists were read
        }
        all.add(session);
        byReader.compute(session.readerId, (k, set) -> {
            Set<StreamSession> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(session);
            return s;
        });
        reindex(session, authors);
        if (session.ended()) {
            unregister(session); // it ended while being registered: close() may have found nothing to remove
        }
    }

    private void close(StreamSession session) {
        if (session.markEnded()) {
            release(session.readerId);
            leases.release(session.lease).subscribe().with(ok -> { }, failure -> LOG.debugf("stream: lease %s not released (it runs out): %s",
                    session.lease.member(), failure.toString()));
            unregister(session);
        }
    }

    private void unregister(StreamSession session) {
        all.remove(session);
        for (long author : session.authors) {
            unindex(author, session);
        }
        byReader.computeIfPresent(session.readerId, (k, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    // ---- replay: recent events, then the timeline read upward ----

    /**
     * First queues the recent post events above the position (registered already, so an event
     * is either among these or delivered live, maybe both: the session drops the repeat), then
     * replays the timeline above it oldest first, page by page, until a page comes back empty.
     */
    private Uni<Void> catchUp(StreamSession session, Cursor since) {
        Set<Long> authors = session.authors;
        List<StreamEvent> mine = recent.matching(e -> authors.contains(e.authorId()));
        // Deletes and late (relayed) posts of the recent window: they may have happened while the
        // client was away, below its position, where the replay does not look. A repeat is harmless
        // (a delete of a post the client does not hold is ignored; a post it holds is dropped by id).
        mine.stream().filter(e -> e.kind() == StreamEvent.Kind.DELETE).forEach(e -> session.replay(StreamItem.delete(e.postId()), System.nanoTime()));
        // oldest first, as the replay that follows (all of them sit below its first item)
        List<Long> late = mine.stream().filter(e -> e.latePost() && !e.postAfter(since))
                .sorted(Comparator.comparingLong(StreamEvent::createdAtMillis).thenComparingLong(StreamEvent::postId))
                .map(StreamEvent::postId).toList();
        List<Long> recentIds = mine.stream().filter(e -> e.postAfter(since)).map(StreamEvent::postId).toList();
        Uni<Void> lateSent = late.isEmpty() ? Uni.createFrom().voidItem()
                : hydrateEvenWithoutRedis(late).invoke(views -> views.forEach(v -> session.replay(item(v, 0), System.nanoTime()))).replaceWithVoid();
        Uni<Void> queued = recentIds.isEmpty() ? Uni.createFrom().voidItem()
                : hydrateEvenWithoutRedis(recentIds).invoke(views -> views.forEach(v -> session.deliver(item(v, 0), System.nanoTime()))).replaceWithVoid();
        return lateSent.chain(() -> queued).chain(() -> replay(session, since));
    }

    /**
     * The catch-up's posts: with Redis unreachable, from Cassandra alone (its deleted_at still
     * leaves out deleted posts), so a resume during a Redis outage replays instead of failing; the
     * replay itself falls back inside {@link SinceTimeline#oldestFirst}.
     */
    private Uni<List<PostView>> hydrateEvenWithoutRedis(List<Long> ids) {
        return hydrator.hydrate(ids).onFailure(RedisUnavailableException.class).recoverWithUni(() -> hydrator.hydrateDurable(ids));
    }

    private Uni<Void> replay(StreamSession session, Cursor since) {
        if (session.closed()) {
            return Uni.createFrom().voidItem();
        }
        return sinceTimeline.oldestFirst(session.readerId, since, config.replayPage()).chain(above -> {
            // a repost that fell off is not sent by the live side either (its event may be queued already)
            above.fallen().forEach(session::skip);
            List<PostView> views = above.items();
            if (views.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Set<Long> authors = session.authors; // the page's lists do not leave out hidden authors
            for (PostView v : views) {
                if (authors.contains(v.author().id())) {
                    session.replay(item(v, 0), System.nanoTime());
                }
            }
            return replay(session, Cursor.of(views.get(views.size() - 1)));
        });
    }

    // ---- live: one event, routed by author ----

    /** A post event from {@code feed.posts}; completes when it went to every stream it concerns. */
    Uni<Void> onEvent(StreamEvent event) {
        recent.add(event);
        Set<StreamSession> targets = byAuthor.get(event.authorId());
        if (targets == null || targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (event.kind() == StreamEvent.Kind.DELETE) {
            deliver(event.authorId(), StreamItem.delete(event.postId()));
            return Uni.createFrom().voidItem();
        }
        return hydrator.hydrate(List.of(event.postId())).invoke(views -> {
            if (!views.isEmpty()) {
                deliver(event.authorId(), item(views.get(0), event.producedAtMillis()));
            }
        }).replaceWithVoid();
    }

    private void deliver(long authorId, StreamItem item) {
        Set<StreamSession> targets = byAuthor.get(authorId);
        if (targets == null) {
            return;
        }
        long now = System.nanoTime();
        for (StreamSession s : targets) {
            s.deliver(item, now);
            delivered.increment();
        }
    }

    private StreamItem item(PostView view, long producedAtMillis) {
        try {
            return StreamItem.post(Cursor.of(view).toString(), json.writeValueAsString(view), view.id(), producedAtMillis);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a post did not serialize", e);
        }
    }

    // ---- the index: author -> streams ----

    private void reindex(StreamSession session, Set<Long> authors) {
        Set<Long> old = session.authors;
        session.authors = authors;
        for (long author : authors) {
            if (!old.contains(author)) {
                byAuthor.compute(author, (k, set) -> {
                    Set<StreamSession> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                    s.add(session);
                    return s;
                });
            }
        }
        for (long author : old) {
            if (!authors.contains(author)) {
                unindex(author, session);
            }
        }
    }

    private void unindex(long author, StreamSession session) {
        byAuthor.computeIfPresent(author, (k, set) -> {
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
    }

    /** A reader followed, unfollowed, blocked, muted (or was blocked): their streams re-read their authors now; "everyone": at the next tick. */
    private void readerChanged(long readerId) {
        if (readerId == ReaderChanges.EVERY_READER) {
            all.forEach(s -> s.stale = true);
            return;
        }
        Set<StreamSession> sessions = byReader.get(readerId);
        if (sessions != null) {
            sessions.forEach(this::refresh);
        }
    }

    private void refresh(StreamSession session) {
        session.stale = false;
        homeAuthors.visible(session.readerId).subscribe().with(authors -> {
            if (!session.ended()) {
                reindex(session, authors);
                if (session.ended()) {
                    unregister(session);
                }
            }
        }, failure -> session.stale = true);
    }

    // ---- heartbeat, idle timeout, slow clients ----

    @Scheduled(every = "${feed.stream.heartbeat:PT15S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        long now = System.nanoTime();
        long idle = config.idleTimeout().toNanos();
        List<StreamLeases.Lease> open = new ArrayList<>(all.size());
        for (StreamSession s : all) {
            if (now - s.lastEventNanos > idle) {
                s.complete();
            } else {
                open.add(s.lease);
                s.heartbeat();
                if (s.stale) {
                    refresh(s);
                }
            }
        }
        if (open.isEmpty()) {
            return; // and no call on the lease store: its Redis client is not created from a scheduler thread at startup
        }
        leases.renew(open, config.leaseTtl().toMillis()).subscribe().with(ok -> { }, failure -> {
            leaseUnavailable.increment();
            LOG.debugf("stream: %d lease(s) not renewed: %s", open.size(), failure.toString());
        });
    }

    /** True if the post's event (published, or deleted if {@code delete}) is among this instance's recent events (tests wait for it). */
    public boolean recentlySeen(long postId, boolean delete) {
        StreamEvent.Kind kind = delete ? StreamEvent.Kind.DELETE : StreamEvent.Kind.POST;
        return !recent.matching(e -> e.postId() == postId && e.kind() == kind).isEmpty();
    }

    /** Open streams on this instance (the benchmark and tests read it). */
    public int openStreams() {
        return all.size();
    }

    /** Streams of one reader registered here (tests wait for it). */
    public int streamsOf(long readerId) {
        Set<StreamSession> sessions = byReader.get(readerId);
        return sessions == null ? 0 : sessions.size();
    }

    /** True if a stream of the reader here is routed the author's posts. */
    public boolean follows(long readerId, long authorId) {
        Set<StreamSession> sessions = byAuthor.get(authorId);
        return sessions != null && sessions.stream().anyMatch(s -> s.readerId == readerId);
    }
}
