package dev.feed.perf;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * The floor under any timeline service on this machine: the least a Java HTTP service can do
 * per read, served to the same load generator as feed-service. No framework, no auth check, no
 * merge, no metrics; one Vert.x HttpServer per event loop (as many loops as feed-service's HTTP
 * server runs: one per core, unless told otherwise), and in {@code redis} mode one Redis client
 * per loop, the same vertx-redis-client feed-service uses.
 *
 * <ul>
 *   <li>{@code http}: answers every request with a fixed body the size of a real timeline page;</li>
 *   <li>{@code redis}: sends one {@code ZREVRANGEBYSCORE key +inf -inf LIMIT 0 20} (the raw
 *       baseline's command and key) and answers with the 20 members in a body of that size.</li>
 * </ul>
 *
 * <p>A timeline read does strictly more than {@code redis} mode, so the rate this reaches at
 * p99 <= 50 ms bounds what feed-service could reach on the same cores, however lean it got.
 *
 * <p>Usage: {@code FloorServer <port> <http|redis> <bodyBytes> [redisPort] [zsetKey] [loops]};
 * prints {@code ready} on stdout once listening.
 */
public final class FloorServer {
    private FloorServer() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: FloorServer <port> <http|redis> <bodyBytes> [redisPort] [zsetKey] [loops]");
        }
        int port = Integer.parseInt(args[0]);
        String mode = args[1];
        int bodyBytes = Integer.parseInt(args[2]);
        int redisPort = args.length > 3 ? Integer.parseInt(args[3]) : 6379;
        String key = args.length > 4 ? args[4] : "bench:zset";
        int loops = args.length > 5 ? Integer.parseInt(args[5]) : defaultLoops();
        start(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops)), loops, port, mode, bodyBytes, redisPort, key)
                .toCompletionStage().toCompletableFuture().join();
        System.out.println("ready");
    }

    /** One loop per core: the event-loop threads feed-service's HTTP server runs on (2 on the 2-core machine). */
    static int defaultLoops() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Deploys one verticle per event loop; completes once all listen. */
    static io.vertx.core.Future<String> start(Vertx vertx, int loops, int port, String mode, int bodyBytes, int redisPort, String key) {
        if (!mode.equals("http") && !mode.equals("redis")) {
            throw new IllegalArgumentException("mode must be http or redis, not " + mode);
        }
        return vertx.deployVerticle(() -> new Loop(port, mode.equals("redis"), bodyBytes, redisPort, key),
                new DeploymentOptions().setInstances(loops));
    }

    /** One event loop's server and, in redis mode, its own Redis client (a client's connections belong to its loop). */
    private static final class Loop extends AbstractVerticle {
        private final int port;
        private final boolean withRedis;
        private final int bodyBytes;
        private final int redisPort;
        private final String key;
        private Buffer fixed;
        private RedisAPI redis;

        Loop(int port, boolean withRedis, int bodyBytes, int redisPort, String key) {
            this.port = port;
            this.withRedis = withRedis;
            this.bodyBytes = bodyBytes;
            this.redisPort = redisPort;
            this.key = key;
        }

        @Override
        public void start(Promise<Void> started) {
            fixed = Buffer.buffer(page(List.of(), bodyBytes));
            if (withRedis) {
                redis = RedisAPI.api(Redis.createClient(vertx, new RedisOptions()
                        .setConnectionString("redis://127.0.0.1:" + redisPort).setMaxPoolSize(8).setMaxPoolWaiting(-1)));
            }
            vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                    .requestHandler(this::handle)
                    .listen()
                    .<Void>mapEmpty()
                    .onComplete(started);
        }

        private void handle(HttpServerRequest request) {
            if (request.getHeader("Authorization") == null) {
                request.response().setStatusCode(401).end();
                return;
            }
            if (!withRedis) {
                respond(request, fixed);
                return;
            }
            redis.zrevrangebyscore(List.of(key, "+inf", "-inf", "LIMIT", "0", "20")).onComplete(ar -> {
                if (ar.failed()) {
                    request.response().setStatusCode(503).end();
                    return;
                }
                List<String> members = ar.result().stream().map(Response::toString).toList();
                respond(request, Buffer.buffer(page(members, bodyBytes)));
            });
        }

        private static void respond(HttpServerRequest request, Buffer body) {
            request.response().putHeader("Content-Type", "application/json").end(body);
        }
    }

    /** A JSON page of {@code ids}, padded with a filler field to {@code bodyBytes} (at least the ids). */
    static String page(List<String> ids, int bodyBytes) {
        StringBuilder sb = new StringBuilder(bodyBytes + 64).append("{\"items\":[");
        for (int i = 0; i < ids.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids.get(i)).append("\"}");
        }
        sb.append("],\"filler\":\"");
        int pad = bodyBytes - sb.length() - 2;
        sb.append("x".repeat(Math.max(0, pad))).append("\"}");
        return sb.toString();
    }
}
