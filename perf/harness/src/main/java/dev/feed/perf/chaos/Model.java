package dev.feed.perf.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the system must hold, from the client's side: every acknowledged post (id, author,
 * createdAt), every delete and every follow edge the workload asked for. An intent whose request
 * ended ambiguously (timeout, 5xx) stays pending until a retry with the same intent is
 * acknowledged: a publish is retried with its Idempotency-Key, a follow edge or delete is
 * re-issued (both idempotent). Pending edges are not touched again by the workload, so a late
 * request cannot overtake a newer one.
 */
final class Model {
    record Post(long id, long author, long createdAtMillis) {
    }

    /** A publish not acknowledged yet: retried with the same key. */
    record PendingPublish(long author, String key, String text) {
    }

    static final Comparator<Post> NEWEST_FIRST = Comparator.comparingLong(Post::createdAtMillis).reversed()
            .thenComparing(Comparator.comparingLong(Post::id).reversed());

    private final Map<Long, Post> posts = new ConcurrentHashMap<>();
    private final Set<Long> deleted = ConcurrentHashMap.newKeySet();
    private final Set<Long> pendingDeletes = ConcurrentHashMap.newKeySet();
    private final Map<String, PendingPublish> pendingPublishes = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> following = new ConcurrentHashMap<>();
    /** follower:followee of edges whose last request was ambiguous, with the wanted state. */
    private final Map<String, Boolean> pendingEdges = new ConcurrentHashMap<>();
    private final Map<String, String> firstResponseForKey = new ConcurrentHashMap<>();

    void acknowledged(Post post, String key) {
        posts.put(post.id(), post);
        pendingPublishes.remove(key);
        String earlier = firstResponseForKey.putIfAbsent(key, Long.toString(post.id()));
        if (earlier != null && !earlier.equals(Long.toString(post.id()))) {
            // The same Idempotency-Key answered with two different posts: a duplicate by definition.
            idempotencyViolations.add(key + ": " + earlier + " and " + post.id());
        }
    }

    final List<String> idempotencyViolations = java.util.Collections.synchronizedList(new ArrayList<>());

    void publishPending(PendingPublish p) {
        pendingPublishes.put(p.key(), p);
    }

    List<PendingPublish> pendingPublishes() {
        return new ArrayList<>(pendingPublishes.values());
    }

    /** A delete was asked for: from now on the post must not be shown, whatever the answer. */
    void deleteAsked(long postId) {
        deleted.add(postId);
        pendingDeletes.add(postId);
    }

    void deleteAcknowledged(long postId) {
        pendingDeletes.remove(postId);
    }

    List<Long> pendingDeletes() {
        return new ArrayList<>(pendingDeletes);
    }

    boolean deleted(long postId) {
        return deleted.contains(postId);
    }

    Map<Long, Post> posts() {
        return posts;
    }

    List<Post> postsOf(long author) {
        return posts.values().stream().filter(p -> p.author() == author).toList();
    }

    void edge(long follower, long followee, boolean follows, boolean acknowledged) {
        Set<Long> set = following.computeIfAbsent(follower, k -> ConcurrentHashMap.newKeySet());
        if (follows) {
            set.add(followee);
        } else {
            set.remove(followee);
        }
        String k = follower + ":" + followee;
        if (acknowledged) {
            pendingEdges.remove(k);
        } else {
            pendingEdges.put(k, follows);
        }
    }

    boolean edgePending(long follower, long followee) {
        return pendingEdges.containsKey(follower + ":" + followee);
    }

    Map<String, Boolean> pendingEdges() {
        return new LinkedHashMap<>(pendingEdges);
    }

    Set<Long> followees(long user) {
        return new HashSet<>(following.getOrDefault(user, Set.of()));
    }

    int followers(long user) {
        int n = 0;
        for (Set<Long> s : following.values()) {
            if (s.contains(user)) {
                n++;
            }
        }
        return n;
    }

    /** The reader's whole home timeline as it must be: own and followed authors' posts, minus deletes, newest first. */
    List<Post> timeline(long reader) {
        Set<Long> authors = followees(reader);
        authors.add(reader);
        return posts.values().stream().filter(p -> authors.contains(p.author()) && !deleted.contains(p.id()))
                .sorted(NEWEST_FIRST).toList();
    }
}
