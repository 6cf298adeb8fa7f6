package dev.feed.testing;

import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for relation-service's internal API (a different deployable, tested in its own
 * module): profiles and followees that a test sets up. Install with
 * {@code QuarkusMock.installMockForType(fake.client(), RelationClient.class, RestClient.LITERAL)}.
 * A dynamic proxy, because a class implementing the client's {@code @Path} interface would itself
 * be deployed as a REST endpoint.
 */
public class FakeRelation {
    private final Map<Long, RelationClient.Profile> profiles = new ConcurrentHashMap<>();
    private final Map<Long, RelationClient.Followees> followees = new ConcurrentHashMap<>();

    public FakeRelation profile(long id, String handle, String displayName) {
        profiles.put(id, new RelationClient.Profile(Long.toString(id), handle, displayName));
        return this;
    }

    public FakeRelation follows(long userId, List<Long> push, List<Long> pull) {
        followees.put(userId, new RelationClient.Followees(push.stream().map(String::valueOf).toList(), pull.stream().map(String::valueOf).toList()));
        return this;
    }

    public RelationClient client() {
        return (RelationClient) Proxy.newProxyInstance(RelationClient.class.getClassLoader(), new Class<?>[] {RelationClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "followees" -> followees((Long) args[0]);
                    case "lookup" -> lookup((RelationClient.LookupRequest) args[0]);
                    case "hiddenAuthors" -> Uni.createFrom().item(new RelationClient.HiddenAuthors(List.of(), List.of(), List.of()));
                    case "toString" -> "FakeRelation";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Uni<RelationClient.Followees> followees(long userId) {
        return Uni.createFrom().item(followees.getOrDefault(userId, new RelationClient.Followees(List.of(), List.of())));
    }

    private Uni<RelationClient.Lookup> lookup(RelationClient.LookupRequest request) {
        List<RelationClient.Profile> found = new ArrayList<>();
        for (String id : request.ids()) {
            RelationClient.Profile p = profiles.get(Long.parseLong(id));
            if (p != null) {
                found.add(p);
            }
        }
        return Uni.createFrom().item(new RelationClient.Lookup(found));
    }
}
