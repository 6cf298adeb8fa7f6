package dev.feed;

import dev.feed.ratelimit.RateLimitHeadersDocument;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Paths;

/**
 * The served OpenAPI document describes the public API only: the {@code /admin/} endpoints live on
 * the management port ({@link dev.feed.admin.ManagementDoor}), so they, their service token scheme,
 * tag and 401 answer are taken out. Their annotations stay on the resources as the code's
 * documentation; the README's endpoint table is their contract.
 *
 * <p>Every operation also lists the shared 414 and 431 answers: the request-line and header limits
 * ({@link dev.feed.problem.RequestLimitFilter}) apply to any request, before routing.
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
                    .filter(path -> path.startsWith("/admin/"))
                    .forEach(paths::removePathItem);
        }
        if (paths != null && paths.getPathItems() != null) {
            paths.getPathItems().values().forEach(item -> item.getOperations().values().forEach(PublicDocument::beforeRouting));
        }
        Components components = openApi.getComponents();
        if (components != null) {
            removeKey(components.getSecuritySchemes(), FeedApi.INTERNAL_TOKEN, components::removeSecurityScheme);
            removeKey(components.getResponses(), FeedApi.INTERNAL_UNAUTHORIZED, components::removeResponse);
        }
        if (openApi.getTags() != null) {
            List.copyOf(openApi.getTags()).stream().filter(t -> FeedApi.ADMIN.equals(t.getName())).forEach(openApi::removeTag);
        }
    }

    /** The answers any request may get before it reaches an endpoint. */
    private static void beforeRouting(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        operation.getResponses().addAPIResponse("414", OASFactory.createAPIResponse().ref(FeedApi.URI_TOO_LONG));
        operation.getResponses().addAPIResponse("431", OASFactory.createAPIResponse().ref(FeedApi.HEADERS_TOO_LARGE));
    }

    private static void removeKey(Map<String, ?> map, String key, java.util.function.Consumer<String> remove) {
        if (map != null && map.containsKey(key)) {
            remove.accept(key);
        }
    }
}
