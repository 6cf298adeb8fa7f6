package dev.feed.fanout.relation;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** relation-service's internal API (quarkus.rest-client.relation.url); use {@link Relations}, which adds retries and the 404 rule. */
@RegisterRestClient(configKey = "relation")
@Path("/internal/v1/authors/{id}")
@Produces(MediaType.APPLICATION_JSON)
@ClientHeaderParam(name = "X-Internal-Token", value = "${feed.internal.token}")
public interface RelationClient {
    /** One ascending keyset page of follower ids strictly after {@code after} (null: from the start). */
    @GET
    @Path("/follower-ids")
    Uni<FollowerIdPage> followerIds(@PathParam("id") String authorId, @QueryParam("after") String after,
                                    @QueryParam("limit") int limit);

    @GET
    @Path("/tier")
    Uni<AuthorTier> tier(@PathParam("id") String authorId);

    record FollowerIdPage(List<String> ids, String next) {
    }

    record AuthorTier(String id, String tier, long followerCount) {
    }
}
