package dev.feed.relation.tier;

import dev.feed.relation.RelationApi;
import dev.feed.relation.problem.Problem;
import dev.feed.relation.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator endpoint (internal: {@code X-Internal-Token}, like every {@code /internal/} path):
 * after a restart with new tier thresholds, move every author to the tier they now call for.
 */
@Path("/internal/v1/tiers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = RelationApi.INTERNAL)
@SecurityRequirement(name = RelationApi.INTERNAL_TOKEN)
@APIResponse(responseCode = "401", ref = RelationApi.INTERNAL_UNAUTHORIZED)
public class TierResource {
    private final TierReevaluator reevaluator;

    public TierResource(TierReevaluator reevaluator) {
        this.reevaluator = reevaluator;
    }

    /**
     * {@code POST /internal/v1/tiers/reevaluate[?hysteresis=false]}: 200 with what was done, once every
     * batch has committed; 409 if one is already running here. {@code hysteresis=false} assigns tiers
     * from counts alone, as a fresh seed would.
     */
    @POST
    @Path("/reevaluate")
    @Operation(summary = "Re-evaluate every author's tier against the current thresholds",
            description = "After a restart with new FEED_TIER_PULL_AT / FEED_TIER_PUSH_BELOW: moves every author whose tier"
                    + " the thresholds now call for, in batches, each move with its author.tier-changed event."
                    + " Answers once every batch has committed.")
    @APIResponse(responseCode = "200", description = "What was scanned and moved.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TierReevaluator.Result.class)))
    @APIResponse(responseCode = "400", description = "hysteresis is neither true nor false.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A re-evaluation is already running in this instance.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TierReevaluator.Result> reevaluate(
            @Parameter(description = "false: tiers from follower counts alone, as a fresh seed would (default true: keep the hysteresis band).",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"true", "false"}), example = "true")
            @QueryParam("hysteresis") String rawHysteresis) {
        boolean hysteresis;
        if (rawHysteresis == null || rawHysteresis.equals("true")) {
            hysteresis = true;
        } else if (rawHysteresis.equals("false")) {
            hysteresis = false;
        } else {
            throw ProblemException.badRequest("hysteresis must be true or false, got '" + rawHysteresis + "'");
        }
        return reevaluator.reevaluate(hysteresis);
    }
}
