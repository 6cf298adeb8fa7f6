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
    final AtomicInteger followeeCalls = new AtomicInteger();

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
        push.computeIfPresent(reader, (r, set) -> {
            set.remove(author);
            return set;
        });
        pull.computeIfPresent(reader, (r, set) -> {
            set.remove(author);
            return set;
        });
    }

    RelationClient client() {
        return (RelationClient) Proxy.newProxyInstance(RelationClient.class.getClassLoader(), new Class<?>[] {RelationClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "followees" -> followees((Long) args[0]);
                    case "lookup" -> lookup((RelationClient.LookupRequest) args[0]);
                    case "toString" -> "FakeRelation";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    Uni<RelationClient.Followees> followees(long userId) {
        followeeCalls.incrementAndGet();
        return Uni.createFrom().item(new RelationClient.Followees(strings(push.get(userId)), strings(pull.get(userId))));
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
