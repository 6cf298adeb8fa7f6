package dev.feed.fanout.admin;

import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.progress.Progress;
import dev.feed.fanout.progress.ProgressStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operators' view of one post's fanout: how many batches are done, and whether it finished. */
@Path("/admin/fanout")
@Produces(MediaType.APPLICATION_JSON)
public class FanoutAdminResource {
    private static final String PROBLEM_JSON = "application/problem+json";

    private final ProgressStore progress;

    public FanoutAdminResource(ProgressStore progress) {
        this.progress = progress;
    }

    /**
     * {@code {postId, op, totalBatches, doneBatches, deadLetteredBatches, complete, startedAt, finishedAt}};
     * totalBatches is null while followers are still being paged. {@code ?op=unpush} shows a delete's cleanup.
     */
    @GET
    @Path("/{postId}")
    public Uni<Response> get(@PathParam("postId") String postId, @QueryParam("op") @DefaultValue("push") String op) {
        long id;
        FanoutOp fanoutOp;
        try {
            id = Long.parseLong(postId);
            fanoutOp = FanoutOp.fromWire(op);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(problem(400, "Bad request",
                    "postId must be a decimal 64-bit id and op push or unpush"));
        }
        return progress.read(id, fanoutOp)
                .map(found -> found
                        .map(p -> Response.ok(body(p)).build())
                        .orElseGet(() -> problem(404, "Not found", "no fanout recorded for post " + postId
                                + " (never dispatched, or older than feed.fanout.progress-ttl)")));
    }

    private static Map<String, Object> body(Progress p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("postId", Long.toString(p.postId()));
        body.put("op", p.op().wire());
        body.put("totalBatches", p.totalBatches());
        body.put("doneBatches", p.doneBatches());
        body.put("deadLetteredBatches", p.deadLetteredBatches());
        body.put("complete", p.complete());
        body.put("startedAt", p.startedAt() == null ? null : Instant.ofEpochMilli(p.startedAt()).toString());
        body.put("finishedAt", p.finishedAt() == null ? null : Instant.ofEpochMilli(p.finishedAt()).toString());
        return body;
    }

    private static Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
