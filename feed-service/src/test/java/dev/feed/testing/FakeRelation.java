package dev.feed.testing;

import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for relation-service's internal API (a different deployable, tested in its own
 * module): profiles and followees that a test sets up. Install with
 * {@code QuarkusMock.installMockForType(fake, RelationClient.class, RestClient.LITERAL)}.
 */
public class FakeRelation implements RelationClient {
    private final Map<Long, Profile> profiles = new ConcurrentHashMap<>();
    private final Map<Long, Followees> followees = new ConcurrentHashMap<>();

    public FakeRelation profile(long id, String handle, String displayName) {
        profiles.put(id, new Profile(Long.toString(id), handle, displayName));
        return this;
    }

    public FakeRelation follows(long userId, List<Long> push, List<Long> pull) {
        followees.put(userId, new Followees(push.stream().map(String::valueOf).toList(), pull.stream().map(String::valueOf).toList()));
        return this;
    }

    @Override
    public Uni<Followees> followees(long userId) {
        return Uni.createFrom().item(followees.getOrDefault(userId, new Followees(List.of(), List.of())));
    }

    @Override
    public Uni<Lookup> lookup(LookupRequest request) {
        List<Profile> found = new ArrayList<>();
        for (String id : request.ids()) {
            Profile p = profiles.get(Long.parseLong(id));
            if (p != null) {
                found.add(p);
            }
        }
        return Uni.createFrom().item(new Lookup(found));
    }
}
