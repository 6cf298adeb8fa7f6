package dev.feed.timeline;

import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * relation-service as the timeline sees it: a follow graph in memory, profiles made up from ids.
 * Handed to Quarkus as a dynamic proxy ({@link #client()}): a class implementing the client's
 * {@code @Path} interface would itself be deployed as a REST endpoint and clash with other fakes.
 */
final class FakeRelation {
    private final Map<Long, Set<Long>> push = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> pull = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> blocks = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> mutes = new ConcurrentHashMap<>();
    final AtomicInteger followeeCalls = new AtomicInteger();
    final AtomicInteger hiddenCalls = new AtomicInteger();
    /** relation-service stopped: every call fails as the REST client fails on a refused connection. */
    volatile boolean down;

    FakeRelation followPush(long reader, long... authors) {
        for (long a : authors) {
            push.computeIfAbsent(reader, r -> ConcurrentHashMap.newKeySet()).add(a);
        }
        return this;
    }

    FakeRelation followPull(long reader, long... authors) {
        for (long a : authors) {
            pull.computeIfAbsent(reader, r -> ConcurrentHashMap.newKeySet()).add(a);
        }
        return this;
    }

    void unfollow(long reader, long author) {
        push.getOrDefault(reader, new LinkedHashSet<>()).remove(author);
        pull.getOrDefault(reader, new LinkedHashSet<>()).remove(author);
    }

    /** As relation-service does: the block, and no follow edge left in either direction. */
    void block(long blocker, long blocked) {
        blocks.computeIfAbsent(blocker, r -> ConcurrentHashMap.newKeySet()).add(blocked);
        unfollow(blocker, blocked);
        unfollow(blocked, blocker);
    }

    void unblock(long blocker, long blocked) {
        blocks.getOrDefault(blocker, new LinkedHashSet<>()).remove(blocked);
    }

    void mute(long muter, long muted) {
        mutes.computeIfAbsent(muter, r -> ConcurrentHashMap.newKeySet()).add(muted);
    }

    void unmute(long muter, long muted) {
        mutes.getOrDefault(muter, new LinkedHashSet<>()).remove(muted);
    }

    RelationClient client() {
        return (RelationClient) Proxy.newProxyInstance(RelationClient.class.getClassLoader(), new Class<?>[] {RelationClient.class},
                (proxy, method, args) -> down && !method.getDeclaringClass().equals(Object.class)
                        ? refused(method.getName())
                        : switch (method.getName()) {
                    case "followees" -> followees((Long) args[0]);
                    case "lookup" -> lookup((RelationClient.LookupRequest) args[0]);
                    case "hiddenAuthors" -> hiddenAuthors((Long) args[0]);
                    case "toString" -> "FakeRelation";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Uni<?> refused(String call) {
        if (call.equals("followees")) {
            followeeCalls.incrementAndGet();
        }
        return Uni.createFrom().failure(new jakarta.ws.rs.ProcessingException(new java.net.ConnectException("Connection refused")));
    }

    Uni<RelationClient.Followees> followees(long userId) {
        followeeCalls.incrementAndGet();
        return Uni.createFrom().item(new RelationClient.Followees(strings(push.get(userId)), strings(pull.get(userId))));
    }

    Uni<RelationClient.HiddenAuthors> hiddenAuthors(long userId) {
        hiddenCalls.incrementAndGet();
        Set<Long> blockedBy = new LinkedHashSet<>();
        blocks.forEach((blocker, blocked) -> {
            if (blocked.contains(userId)) {
                blockedBy.add(blocker);
            }
        });
        return Uni.createFrom().item(new RelationClient.HiddenAuthors(strings(blocks.get(userId)), strings(blockedBy),
                strings(mutes.get(userId))));
    }

    Uni<RelationClient.Lookup> lookup(RelationClient.LookupRequest request) {
        List<RelationClient.Profile> profiles = new ArrayList<>();
        for (String id : request.ids()) {
            profiles.add(new RelationClient.Profile(id, "h" + id, "User " + id));
        }
        return Uni.createFrom().item(new RelationClient.Lookup(profiles));
    }

    private static List<String> strings(Set<Long> ids) {
        List<String> out = new ArrayList<>();
        for (long id : ids == null ? new LinkedHashSet<Long>() : ids) {
            out.add(Long.toString(id));
        }
        return out;
    }
}
