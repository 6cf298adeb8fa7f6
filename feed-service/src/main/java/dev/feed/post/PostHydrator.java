package dev.feed.post;

import dev.feed.author.Author;
import dev.feed.author.AuthorDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns post ids into API posts: one batched call per store (posts, then authors), never one
 * per post. Tombstoned and unknown posts are dropped, so a page never shows a deleted post
 * whatever an inbox still holds.
 */
@ApplicationScoped
public class PostHydrator {
    private final PostStore posts;
    private final AuthorDirectory authors;

    public PostHydrator(PostStore posts, AuthorDirectory authors) {
        this.posts = posts;
        this.authors = authors;
    }

    /** Posts for the ids, in the given order, without deleted or unknown ones. */
    public Uni<List<PostView>> hydrate(List<Long> ids) {
        return posts.findAll(ids).chain(found -> {
            List<Post> live = new ArrayList<>();
            for (long id : ids) {
                Post p = found.get(id);
                if (p != null && !p.deleted()) {
                    live.add(p);
                }
            }
            Set<Long> authorIds = new LinkedHashSet<>();
            live.forEach(p -> authorIds.add(p.authorId()));
            return authors.authors(authorIds).map(byId -> {
                List<PostView> views = new ArrayList<>(live.size());
                for (Post p : live) {
                    views.add(PostView.of(p, byId.getOrDefault(p.authorId(), Author.unknown(p.authorId()))));
                }
                return views;
            });
        });
    }
}
