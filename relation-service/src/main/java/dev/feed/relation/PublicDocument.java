package dev.feed.relation;

import dev.feed.relation.ratelimit.RateLimitHeadersDocument;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.Paths;

/**
 * The served OpenAPI document describes the public API only: the {@code /internal/} endpoints live
 * on the management port ({@link dev.feed.relation.internal.ManagementDoor}), so they, their service
 * token scheme, tag and 401 answer are taken out. Their annotations stay on the resources as the
 * code's documentation; the README's internal API table is their contract.
 *
 * <p>Every public operation also lists the shared 503: each one reads or writes PostgreSQL, whose
 * statement timeout and breaker answer 503 with Retry-After ({@code ProblemMappers#unavailable}).
 *
 * <p>MicroProfile OpenAPI takes one filter class, so this one also documents the rate-limit headers
 * (its superclass).
 */
public class PublicDocument extends RateLimitHeadersDocument {
    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        Paths paths = openApi.getPaths();
        if (paths != null && paths.getPathItems() != null) {
            List.copyOf(paths.getPathItems().keySet()).stream()
                    .filter(path -> path.startsWith("/internal/"))
                    .forEach(paths::removePathItem);
            paths.getPathItems().values().forEach(item -> item.getOperations().values().forEach(PublicDocument::storeMayBeAway));
        }
        Components components = openApi.getComponents();
        if (components != null) {
            removeKey(components.getSecuritySchemes(), RelationApi.INTERNAL_TOKEN, components::removeSecurityScheme);
            removeKey(components.getResponses(), RelationApi.INTERNAL_UNAUTHORIZED, components::removeResponse);
        }
        if (openApi.getTags() != null) {
            List.copyOf(openApi.getTags()).stream().filter(t -> RelationApi.INTERNAL.equals(t.getName())).forEach(openApi::removeTag);
        }
    }

    private static void storeMayBeAway(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        operation.getResponses().addAPIResponse("503", OASFactory.createAPIResponse().ref(RelationApi.UNAVAILABLE));
    }

    private static void removeKey(Map<String, ?> map, String key, java.util.function.Consumer<String> remove) {
        if (map != null && map.containsKey(key)) {
            remove.accept(key);
        }
    }
}
