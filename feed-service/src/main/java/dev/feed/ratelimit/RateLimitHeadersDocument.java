package dev.feed.ratelimit;

import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the X-RateLimit headers on every answer of the rate-limited operations, those whose
 * 429 is the shared {@code RateLimited} response (every {@link RateLimited} endpoint refers to it),
 * so a resource method does not repeat three headers on each of its responses. Answers that are
 * references to shared responses are left as they are (the shared 429 lists them), and so are
 * those given before the endpoint is reached (413, 414, 415, 431), which no bucket was asked for.
 */
public class RateLimitHeadersDocument implements OASFilter {
    private static final String SHARED_429 = "/RateLimited";
    /** Refused before the request reaches its endpoint (body size, media type, request line, headers): no bucket was asked. */
    private static final Set<String> BEFORE_THE_ENDPOINT = Set.of("413", "414", "415", "431");

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
            return operation;
        }
        APIResponse tooMany = operation.getResponses().getAPIResponses().get("429");
        if (tooMany == null || tooMany.getRef() == null || !tooMany.getRef().endsWith(SHARED_429)) {
            return operation;
        }
        for (var entry : operation.getResponses().getAPIResponses().entrySet()) {
            APIResponse response = entry.getValue();
            if (response.getRef() != null || BEFORE_THE_ENDPOINT.contains(entry.getKey())) {
                continue;
            }
            header(response, RateLimitFilter.LIMIT, "The bucket's size: requests allowed in a full period.");
            header(response, RateLimitFilter.REMAINING, "Requests left in the tighter of the caller's and the client address's buckets.");
            header(response, RateLimitFilter.RESET, "When that bucket is full again, in Unix epoch seconds.");
        }
        return operation;
    }

    private static void header(APIResponse response, String name, String description) {
        if (response.getHeaders() == null || !response.getHeaders().containsKey(name)) {
            Header header = OASFactory.createHeader().description(description)
                    .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)));
            response.addHeader(name, header);
        }
    }
}
