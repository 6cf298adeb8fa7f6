package dev.feed.relation;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** relation-service's internal API (service token, not a user JWT). */
@Path("/internal/v1")
@RegisterRestClient(configKey = "relation")
@ClientHeaderParam(name = "X-Internal-Token", value = "${feed.internal.token}")
public interface RelationClient {

    /** The accounts a reader follows, split by tier: push-tier ones are in the inbox, pull-tier ones are merged at read. */
    @GET
    @Path("/users/{id}/followees")
    Uni<Followees> followees(@PathParam("id") long userId);

    /** Profiles of the given ids (at most 500); unknown ids are absent. */
    @POST
    @Path("/users/lookup")
    Uni<Lookup> lookup(LookupRequest request);

    /** The authors hidden from a reader's home timeline: blocked by them, blocking them, muted by them. */
    @GET
    @Path("/users/{id}/hidden-authors")
    Uni<HiddenAuthors> hiddenAuthors(@PathParam("id") long userId);

    record Followees(List<String> push, List<String> pull) {
    }

    record HiddenAuthors(List<String> blocked, List<String> blockedBy, List<String> muted) {
    }

    record LookupRequest(List<String> ids) {
    }

    record Lookup(List<Profile> items) {
    }

    record Profile(String id, String handle, String displayName) {
    }
}
