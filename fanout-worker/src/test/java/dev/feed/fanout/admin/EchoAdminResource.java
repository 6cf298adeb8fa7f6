package dev.feed.fanout.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A test-only operator endpoint with a request body (the worker's own {@code /admin/} has none yet):
 * what {@link ManagementDoorTest} POSTs through the door, answered with the body it received.
 */
@Path("/admin/test/echo")
public class EchoAdminResource {
    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String echo(String body) {
        return "echo:" + body;
    }
}
