package dev.feed.perf.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.perf.Tokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The workload's HTTP calls, through the load balancer only (both service ports are on
 * 127.0.0.1). Every call has a timeout and ends in a {@link Call}: its status (or a transport
 * failure), its latency, and its body; every call is also recorded in {@link Outcomes}.
 */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one request came to: an HTTP status, or -1 timed out, -2 connection/transport failure. */
    record Call(int status, long micros, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Nothing is known about whether the server applied it: retry with the same intent later. */
        boolean ambiguous() {
            return status < 0 || status >= 500 || status == 429;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).executor(Executors.newFixedThreadPool(4)).build();
    private final String feedUrl;
    private final String relationUrl;
    private final Tokens tokens;
    private final Outcomes outcomes;
    private final Duration timeout;

    Api(String feedUrl, String relationUrl, Tokens tokens, Outcomes outcomes, Duration timeout) {
        this.feedUrl = feedUrl;
        this.relationUrl = relationUrl;
        this.tokens = tokens;
        this.outcomes = outcomes;
        this.timeout = timeout;
    }

    Call putProfile(long user) {
        return send("profile", user, HttpRequest.newBuilder(URI.create(relationUrl + "/v1/users/me"))
                .PUT(json("{\"handle\":\"c" + user + "\",\"displayName\":\"chaos " + user + "\"}")));
    }

    Call follow(long user, long followee) {
        return send("follow", user, HttpRequest.newBuilder(URI.create(relationUrl + "/v1/users/me/following/" + followee))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    }

    Call unfollow(long user, long followee) {
        return send("unfollow", user, HttpRequest.newBuilder(URI.create(relationUrl + "/v1/users/me/following/" + followee))
                .DELETE());
    }

    Call user(long caller, long id) {
        return send("user", caller, HttpRequest.newBuilder(URI.create(relationUrl + "/v1/users/" + id)).GET());
    }

    Call publish(long author, String text, String idempotencyKey) {
        return send("publish", author, HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts"))
                .header("Idempotency-Key", idempotencyKey).POST(json("{\"text\":\"" + text + "\"}")));
    }

    Call delete(long author, long postId) {
        return send("delete", author, HttpRequest.newBuilder(URI.create(feedUrl + "/v1/posts/" + postId)).DELETE());
    }

    Call timeline(long reader, String cursor, int limit) {
        String q = "/v1/timeline?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
        return send("timeline", reader, HttpRequest.newBuilder(URI.create(feedUrl + q)).GET());
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private Call send(String op, long user, HttpRequest.Builder request) {
        HttpRequest r = request.timeout(timeout).header("Authorization", "Bearer " + tokens.forUser(user))
                .header("Content-Type", "application/json").build();
        double startS = outcomes.now();
        long t0 = System.nanoTime();
        Call call;
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (resp.body() != null && !resp.body().isEmpty() && resp.body().charAt(0) == '{') {
                body = JSON.readTree(resp.body());
            }
            call = new Call(resp.statusCode(), (System.nanoTime() - t0) / 1000, body);
        } catch (HttpTimeoutException e) {
            call = new Call(-1, (System.nanoTime() - t0) / 1000, null);
        } catch (ConnectException e) {
            call = new Call(-2, (System.nanoTime() - t0) / 1000, null);
        } catch (IOException e) {
            call = new Call(-2, (System.nanoTime() - t0) / 1000, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call = new Call(-2, (System.nanoTime() - t0) / 1000, null);
        }
        outcomes.record(op, call.status(), startS);
        return call;
    }
}
