package dev.feed.relation.tier;

import dev.feed.relation.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Operator endpoint (internal: {@code X-Internal-Token}, like every {@code /internal/} path):
 * after a restart with new tier thresholds, move every author to the tier they now call for.
 */
@Path("/internal/v1/tiers")
@Produces(MediaType.APPLICATION_JSON)
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
    public Uni<TierReevaluator.Result> reevaluate(@QueryParam("hysteresis") String rawHysteresis) {
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
