package dev.feed.timeline;

import dev.feed.hotcache.PostRef;
import dev.feed.post.Cursor;
import dev.feed.post.PostStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Authors' posts past the Redis window, from Cassandra {@code posts_by_author}: the durable copy
 * a timeline falls back to so it never ends early because a cache was trimmed or lost.
 *
 * <p>A page below the window is a k-way merge of the followees' month partitions, walked newest
 * month first ({@link #newestAcross}): every month partition an author has posts in sorts wholly
 * before their older ones, so once the newest month still holding posts below the cursor has been
 * read for every author who has posts in it, those posts are exactly the next ones of the merged
 * timeline, and older months are read only if the page is not full yet. Each step reads at most
 * {@link TimelineConfig#archiveFanIn()} partitions per statement (an IN list with PER PARTITION
 * LIMIT), so a page costs about 2 x followees / fan-in statements per month it reaches into,
 * instead of one or more statements per followee. Every round trip counts on
 * {@code feed.timeline.archive.queries}, every ref it returned on {@code feed.timeline.archive.refs}.
 */
@ApplicationScoped
public class ArchiveReader {
    /** A cursor above every post: "from the newest". */
    private static final Cursor TOP = new Cursor(Instant.parse("9999-12-31T00:00:00Z").toEpochMilli(), Long.MAX_VALUE);

    private final PostStore posts;
    private final TimelineConfig timeline;
    private final Counter queries;
    private final Counter refsRead;

    public ArchiveReader(PostStore posts, TimelineConfig timeline, MeterRegistry registry) {
        this.posts = posts;
        this.timeline = timeline;
        this.queries = Counter.builder("feed.timeline.archive.queries")
                .description("Cassandra round trips of timeline reads past the Redis window (pages and cold outboxes)")
                .register(registry);
        this.refsRead = Counter.builder("feed.timeline.archive.refs")
                .description("Post refs those round trips returned (what a page or an inbox rebuild read from Cassandra)")
                .register(registry);
    }

    /**
     * The merged newest {@code limit} refs of all the authors strictly older than {@code before}
     * (null: from the newest), newest first, distinct.
     *
     * @param exhausted true when nothing older than the returned refs exists for these authors
     */
    record Merged(List<PostRef> refs, boolean exhausted) {
    }

    Uni<Merged> newestAcross(List<Long> authorIds, Cursor before, int limit) {
        if (authorIds.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(new Merged(List.of(), authorIds.isEmpty()));
        }
        if (timeline.archiveStrategy() == TimelineConfig.ArchiveStrategy.PER_AUTHOR) {
            return perAuthorMerge(authorIds, before, limit);
        }
        Cursor from = before == null ? TOP : before;
        return newestBuckets(authorIds, PostStore.bucketOf(Instant.ofEpochMilli(from.createdAtMillis())))
                .chain(heads -> monthStep(heads, from, limit, new ArrayList<>()));
    }

    /**
     * One month of the merge: read the newest month any author still has posts in (only from the
     * authors who have posts in it), then, if the page is not full, find those authors' next older
     * month and go on. The other authors' heads are already known to be older.
     */
    private Uni<Merged> monthStep(Map<Long, Integer> heads, Cursor before, int limit, List<PostRef> acc) {
        if (heads.isEmpty()) {
            return Uni.createFrom().item(new Merged(List.copyOf(acc), true));
        }
        int month = heads.values().stream().max(Integer::compare).orElseThrow();
        List<Long> inMonth = new ArrayList<>();
        heads.forEach((author, head) -> {
            if (head == month) {
                inMonth.add(author);
            }
        });
        int need = limit - acc.size();
        return refsInBucket(inMonth, month, before, need).chain(found -> {
            List<PostRef> all = new ArrayList<>();
            found.values().forEach(all::addAll);
            List<PostRef> top = PostRef.newestDistinct(all, need);
            acc.addAll(top);
            if (acc.size() >= limit) {
                return Uni.createFrom().item(new Merged(List.copyOf(acc), false));
            }
            // Fewer than `need` in this month overall: every author in it was read to its end here.
            inMonth.forEach(heads::remove);
            return newestBuckets(inMonth, previousMonth(month)).chain(next -> {
                heads.putAll(next);
                return monthStep(heads, before, limit, acc);
            });
        });
    }

    /** The pre-merge strategy, kept as the benchmark's baseline: the newest {@code limit} of every author, then merged. */
    private Uni<Merged> perAuthorMerge(List<Long> authorIds, Cursor before, int limit) {
        return before(authorIds, before, limit).map(byAuthor -> {
            List<PostRef> all = new ArrayList<>();
            boolean more = false;
            for (List<PostRef> refs : byAuthor.values()) {
                all.addAll(refs);
                more |= refs.size() >= limit;
            }
            return new Merged(PostRef.newestDistinct(all, limit), !more && all.size() <= limit);
        });
    }

    /**
     * Up to {@code limit} refs of each author strictly older than {@code before} (null: from the
     * newest), newest first per author; fewer means that is all the author has: what cold outboxes
     * are read from (an inbox rebuild after Redis lost them reads every push-tier followee's).
     *
     * <p>With the merge strategy this is the month walk of {@link #newestAcross} done per author and
     * batched: each round reads, for every author still short of the limit, their next non-empty
     * month, at most archive-fan-in partitions per statement (heads from {@code author_buckets},
     * then the month's refs with PER PARTITION LIMIT), grouped by month; an author leaves once it
     * has the limit or no older month. 5,000 cold followees with posts in one month cost about
     * 3 x 5,000 / fan-in statements instead of two or more walks' statements per followee
     * (the per-author strategy, kept as the benchmark's baseline).
     */
    public Uni<Map<Long, List<PostRef>>> eachBefore(List<Long> authorIds, Cursor before, int limit) {
        if (authorIds.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(new HashMap<>());
        }
        if (timeline.archiveStrategy() == TimelineConfig.ArchiveStrategy.PER_AUTHOR) {
            return before(authorIds, before, limit);
        }
        Cursor from = before == null ? TOP : before;
        return newestBuckets(authorIds, PostStore.bucketOf(Instant.ofEpochMilli(from.createdAtMillis())))
                .chain(heads -> eachStep(heads, from, limit, new HashMap<>()));
    }

    /** One month's refs for the authors whose newest unread month it is. */
    private record MonthRead(int month, List<Long> authors, Map<Long, List<PostRef>> refs) {
    }

    /** One round of {@link #eachBefore}: every author's next month, then the next heads of those who read theirs to its end. */
    private Uni<Map<Long, List<PostRef>>> eachStep(Map<Long, Integer> heads, Cursor from, int limit, Map<Long, List<PostRef>> found) {
        if (heads.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        Map<Integer, List<Long>> byMonth = new HashMap<>();
        heads.forEach((author, month) -> byMonth.computeIfAbsent(month, m -> new ArrayList<>()).add(author));
        // Months one after the other: each read is already archive-concurrency statements wide.
        return Multi.createFrom().iterable(byMonth.entrySet())
                .onItem().transformToUniAndConcatenate(e -> {
                    int need = e.getValue().stream().mapToInt(a -> limit - found.getOrDefault(a, List.of()).size()).max().orElse(limit);
                    return refsInBucket(e.getValue(), e.getKey(), from, need).map(refs -> new MonthRead(e.getKey(), e.getValue(), refs));
                })
                .collect().asList()
                .chain(reads -> {
                    Map<Integer, List<Long>> olderByMonth = new HashMap<>();
                    for (MonthRead read : reads) {
                        for (long author : read.authors()) {
                            List<PostRef> acc = found.computeIfAbsent(author, a -> new ArrayList<>());
                            List<PostRef> got = read.refs().getOrDefault(author, List.of());
                            acc.addAll(got.subList(0, Math.min(got.size(), limit - acc.size())));
                            // Short of the limit: fewer came back than it asked for, so this month is read to its end.
                            if (acc.size() < limit) {
                                olderByMonth.computeIfAbsent(previousMonth(read.month()), m -> new ArrayList<>()).add(author);
                            }
                        }
                    }
                    return Multi.createFrom().iterable(olderByMonth.entrySet())
                            .onItem().transformToUniAndConcatenate(e -> newestBuckets(e.getValue(), e.getKey()))
                            .collect().in(HashMap<Long, Integer>::new, Map::putAll)
                            .chain(next -> eachStep(next, from, limit, found));
                });
    }

    /** Up to {@code limit} refs per author strictly older than {@code before} (null: from the newest), newest first: one walk each. */
    public Uni<Map<Long, List<PostRef>>> before(Collection<Long> authorIds, Cursor before, int limit) {
        if (authorIds.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(Map.of());
        }
        return Multi.createFrom().iterable(authorIds)
                .onItem().transformToUni(author -> before(author, before, limit).map(refs -> Map.entry(author, refs)))
                .merge(timeline.archiveConcurrency())
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(HashMap::new);
    }

    /** Up to {@code limit} of one author's refs strictly older than {@code before}, newest first. */
    public Uni<List<PostRef>> before(long authorId, Cursor before, int limit) {
        return posts.refsByAuthor(authorId, before, limit, queries::increment).invoke(found -> refsRead.increment(found.size()));
    }

    // ---- statements over at most archiveFanIn partitions each, archiveConcurrency in flight ----

    private Uni<Map<Long, Integer>> newestBuckets(List<Long> authorIds, int maxBucket) {
        return inChunks(authorIds, chunk -> posts.newestBuckets(chunk, maxBucket, queries::increment));
    }

    private Uni<Map<Long, List<PostRef>>> refsInBucket(List<Long> authorIds, int bucket, Cursor before, int perAuthor) {
        return inChunks(authorIds, chunk -> posts.refsInBucket(chunk, bucket, before, perAuthor, queries::increment)
                .invoke(found -> found.values().forEach(list -> refsRead.increment(list.size()))));
    }

    private <V> Uni<Map<Long, V>> inChunks(List<Long> authorIds, java.util.function.Function<List<Long>, Uni<Map<Long, V>>> query) {
        int fanIn = Math.max(1, timeline.archiveFanIn());
        List<List<Long>> chunks = new ArrayList<>();
        for (int i = 0; i < authorIds.size(); i += fanIn) {
            chunks.add(List.copyOf(authorIds.subList(i, Math.min(authorIds.size(), i + fanIn))));
        }
        if (chunks.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().<Map<Long, V>>transformToUni(chunk -> query.apply(chunk))
                .merge(timeline.archiveConcurrency())
                .collect().in(HashMap<Long, V>::new, Map::putAll);
    }

    /** The month bucket (yyyymm) before {@code bucket}. */
    static int previousMonth(int bucket) {
        int year = bucket / 100;
        int month = bucket % 100;
        return month == 1 ? (year - 1) * 100 + 12 : bucket - 1;
    }
}
