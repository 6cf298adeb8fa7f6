package dev.feed.redis;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.List;
import java.util.Map;

/**
 * Routes each call to the Redis client of the event loop it is made on.
 *
 * <p>Why: vertx-redis-client 4.5 binds every pooled connection of a client to the event loop that
 * was current when the client was created. With one client, every reply of every request is
 * parsed on that one loop, and a request from another loop hops there and back; under load that
 * loop saturates first (perf/README.md: 30.8 s against 14.8 s of CPU per loop in a 25 s run).
 * With a client per loop, a request's Redis I/O stays on the loop that serves its HTTP request.
 * Calls from outside any event loop (Kafka consumer threads, the hot-cache loader, tests) use the
 * first client.
 *
 * <p>On Redis Cluster a batch may span hash slots (a page reads several authors' outboxes): the
 * cluster client refuses such a batch (CROSSSLOT, no client-side resharding), so there each
 * request of the batch is sent on one cluster connection, which routes it to its slot's node and
 * still pipelines the requests per node. Found by the chaos run (issue 14).
 *
 * <p>Every call has a deadline ({@code feed.redis.timeout}; vertx-redis-client 4.5 has no command
 * timeout of its own, so a hung Redis would hold a request forever): a call that gets no reply in
 * time, or whose connection is refused or dropped, fails with {@link RedisUnavailableException},
 * which a timeline read answers from Cassandra instead. Redis error replies pass through unchanged.
 */
final class EventLoopRedis implements Redis {
    private final Map<EventLoop, Redis> byLoop;
    private final Redis fallback;
    private final boolean cluster;
    private final Vertx vertx;
    private final long timeoutMillis;

    EventLoopRedis(Map<EventLoop, Redis> byLoop, Redis fallback) {
        this(byLoop, fallback, false);
    }

    EventLoopRedis(Map<EventLoop, Redis> byLoop, Redis fallback, boolean cluster) {
        this(byLoop, fallback, cluster, null, 0);
    }

    /** With a deadline per call when {@code vertx} is given and {@code timeoutMillis} is positive. */
    EventLoopRedis(Map<EventLoop, Redis> byLoop, Redis fallback, boolean cluster, Vertx vertx, long timeoutMillis) {
        this.byLoop = Map.copyOf(byLoop);
        this.fallback = fallback;
        this.cluster = cluster;
        this.vertx = vertx;
        this.timeoutMillis = timeoutMillis;
    }

    private Redis client() {
        Context context = Vertx.currentContext();
        if (context instanceof ContextInternal internal && context.isEventLoopContext()) {
            return byLoop.getOrDefault(internal.nettyEventLoop(), fallback);
        }
        return fallback;
    }

    @Override
    public Future<RedisConnection> connect() {
        return guarded(client().connect());
    }

    @Override
    public Future<Response> send(Request request) {
        return guarded(client().send(request));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return guarded(cluster ? sendEach(requests) : client().batch(requests));
    }

    /** The call with its deadline; a failure that is not a Redis error reply becomes {@link RedisUnavailableException}. */
    private <T> Future<T> guarded(Future<T> call) {
        if (vertx == null || timeoutMillis <= 0) {
            return call;
        }
        Promise<T> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis,
                id -> result.tryFail(new RedisUnavailableException("no reply from Redis within " + timeoutMillis + " ms", null)));
        call.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                result.tryComplete(done.result());
            } else if (done.cause() instanceof ErrorType) {
                result.tryFail(done.cause());
            } else {
                result.tryFail(new RedisUnavailableException("Redis unreachable: " + done.cause(), done.cause()));
            }
        });
        return result.future();
    }

    private Future<List<Response>> sendEach(List<Request> requests) {
        return client().connect().compose(connection -> {
            List<Future<Response>> replies = requests.stream().map(connection::send).toList();
            return Future.join(replies)
                    .<List<Response>>map(all -> replies.stream().map(Future::result).toList())
                    .onComplete(done -> connection.close());
        });
    }

    @Override
    public void close() {
        byLoop.values().forEach(Redis::close);
        if (!byLoop.containsValue(fallback)) {
            fallback.close(); // the only client when per-event-loop clients are off
        }
    }
}
