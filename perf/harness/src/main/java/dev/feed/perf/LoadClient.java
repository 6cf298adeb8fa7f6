package dev.feed.perf;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The load generator's HTTP client: one Vert.x event loop and a keep-alive pool, so on a
 * 2-core machine the generator costs far less CPU than the JDK client (which saturated the
 * cores before the service did).
 */
public final class LoadClient implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Context loop = vertx.getOrCreateContext();
    private final HttpClient client;
    private final String host;
    private final int port;

    public LoadClient(String baseUrl, int connections) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /**
     * GET with a bearer token; completes with the status (the body is read and dropped), or
     * exceptionally when the connection fails or nothing arrives for 10 s.
     *
     * <p>The whole exchange is started on the client's event loop, not on the caller's thread.
     * Started from the load generator's thread, about one request in a few thousand never
     * completed: its response head arrived (send() completed) but the body() future attached in
     * the continuation never did, and no timeout fired because at the HTTP level the exchange had
     * finished (reproduced with a bare Vert.x client: 1 to 6 of 6000 at 200/s; none in over
     * 200,000 once every exchange is started on the loop).
     */
    public CompletableFuture<Integer> get(String path, String token) {
        return get(path, token, null);
    }

    /** As {@link #get(String, String)}, handing each answer's body to {@code bodySeen} (on the event loop) when given. */
    public CompletableFuture<Integer> get(String path, String token, java.util.function.Consumer<io.vertx.core.buffer.Buffer> bodySeen) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(path)
                .putHeader("Authorization", "Bearer " + token).setIdleTimeout(10_000);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        sender().execute(() -> client.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (bodySeen != null) {
                        bodySeen.accept(body);
                    }
                    return resp.statusCode();
                }))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                }));
        return result;
    }

    /** Runs a task on the client's event loop: directly when already there, else as one hand-over. */
    public Executor sender() {
        return task -> {
            if (Vertx.currentContext() == loop) {
                task.run();
            } else {
                loop.runOnContext(v -> task.run());
            }
        };
    }

    @Override
    public void close() {
        vertx.close();
    }
}
