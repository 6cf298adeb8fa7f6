package dev.feed.author;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.feed.relation.GuardedRelation;
import dev.feed.relation.RelationClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Author handles and display names for hydration: a local cache in front of one batched
 * relation-service lookup per page. Profiles change rarely and a stale display name for a
 * minute is harmless, so entries live 60 s. If relation-service is unreachable the page is
 * still served, with bare author ids, rather than failing the read.
 */
@ApplicationScoped
public class AuthorDirectory {
    private static final Logger LOG = Logger.getLogger(AuthorDirectory.class);
    private static final int LOOKUP_MAX = 500;

    private final GuardedRelation relation;
    private final Cache<Long, Author> cache = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofSeconds(60)).build();

    public AuthorDirectory(GuardedRelation relation) {
        this.relation = relation;
    }

    public Uni<Map<Long, Author>> authors(Collection<Long> ids) {
        Map<Long, Author> found = new HashMap<>();
        Set<Long> missing = new LinkedHashSet<>();
        for (long id : ids) {
            Author a = cache.getIfPresent(id);
            if (a != null) {
                found.put(id, a);
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        List<String> ask = new ArrayList<>();
        for (long id : missing) {
            if (ask.size() < LOOKUP_MAX) {
                ask.add(Long.toString(id));
            }
        }
        return relation.lookup(new RelationClient.LookupRequest(ask))
                .map(lookup -> {
                    for (RelationClient.Profile p : lookup.items()) {
                        Author a = new Author(Long.parseLong(p.id()), p.handle(), p.displayName());
                        cache.put(a.id(), a);
                        found.put(a.id(), a);
                    }
                    return found;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("author lookup failed (%s); serving bare author ids", e.toString());
                    return found;
                })
                .map(map -> {
                    for (long id : missing) {
                        map.putIfAbsent(id, Author.unknown(id));
                    }
                    return map;
                });
    }
}
