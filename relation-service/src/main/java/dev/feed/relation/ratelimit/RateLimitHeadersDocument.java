package dev.feed.relation.ratelimit;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the X-RateLimit headers on every answer of the operations marked with the
 * {@value #EXTENSION} extension (the {@link RateLimited} endpoints), so each resource method
 * states its family once instead of repeating three headers on each of its responses. Answers
 * that are references to shared responses are left as they are (the shared 429 lists them).
 */
public class RateLimitHeadersDocument implements OASFilter {
    /** The operation extension naming the limit family, e.g. {@code x-rate-limit: follows}. */
    public static final String EXTENSION = "x-rate-limit";

    @Override
    public Operation filterOperation(Operation operation) {
        Map<String, Object> extensions = operation.getExtensions();
        if (extensions == null || !extensions.containsKey(EXTENSION) || operation.getResponses() == null) {
            return operation;
        }
        for (APIResponse response : operation.getResponses().getAPIResponses().values()) {
            if (response.getRef() != null) {
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
