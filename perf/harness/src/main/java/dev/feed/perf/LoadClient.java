package dev.feed.perf;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The load generator's HTTP client: one Vert.x event loop and a keep-alive pool, so on a
 * 2-core machine the generator costs far less CPU than the JDK client (which saturated the
 * cores before the service did).
 */
public final class LoadClient implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
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

    /** GET with a bearer token; completes true on 200 (the body is read and dropped). */
    public CompletableFuture<Boolean> get(String path, String token) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(path)
                .putHeader("Authorization", "Bearer " + token).setTimeout(10_000);
        return client.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> resp.statusCode() == 200))
                .toCompletionStage().toCompletableFuture()
                // A few requests per run were seen never to complete on the client side while the
                // server's max latency stayed under 0.4 s; bound them so they count as errors.
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        vertx.close();
    }
}
