package dev.feed.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** fanout-worker's progress record of a post: {@code GET /admin/fanout/{id}} on its management port, with the internal token. */
final class FanoutProgress {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String workerManagementUrl;
    private final String internalToken;

    FanoutProgress(HttpClient http, String workerManagementUrl, String internalToken) {
        this.http = http;
        this.workerManagementUrl = workerManagementUrl;
        this.internalToken = internalToken;
    }

    /** The record once the fanout is complete, polled every 50 ms, or null if it is not within the timeout. */
    JsonNode awaitComplete(String postId, Duration timeout) {
        AtomicReference<JsonNode> complete = new AtomicReference<>();
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(workerManagementUrl + "/admin/fanout/" + postId))
                        .header("X-Internal-Token", internalToken).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode progress = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                if (progress != null && progress.path("complete").asBoolean(false)) {
                    complete.set(progress);
                }
                return complete.get() != null;
            });
        } catch (ConditionTimeoutException e) {
            return null;
        }
        return complete.get();
    }
}
