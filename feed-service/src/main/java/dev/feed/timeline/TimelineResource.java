package dev.feed.timeline;

import dev.feed.post.Caller;
import dev.feed.post.Cursor;
import dev.feed.post.PostPage;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/v1/timeline")
@Produces(MediaType.APPLICATION_JSON)
public class TimelineResource {
    private final Caller reader;
    private final TimelineService timeline;

    public TimelineResource(Caller reader, TimelineService timeline) {
        this.reader = reader;
        this.timeline = timeline;
    }

    /** The reader's home timeline, newest first: their own posts and those of everyone they follow. */
    @GET
    @Authenticated
    public Uni<PostPage> home(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.parse(cursor);
        return timeline.page(reader.id(), after, size);
    }
}
