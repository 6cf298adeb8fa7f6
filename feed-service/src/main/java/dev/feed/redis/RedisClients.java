package dev.feed.redis;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The Redis client every feed-service store injects ({@code io.vertx.mutiny.redis.client.Redis}):
 * one vertx-redis-client per event loop behind {@link EventLoopRedis}, built from the same
 * {@code quarkus.redis.*} settings as the Quarkus client (which still serves the health check).
 */
@ApplicationScoped
public class RedisClients {
    private static final Logger LOG = Logger.getLogger(RedisClients.class);

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    io.vertx.mutiny.redis.client.Redis redis(Vertx vertx, RedisLoopConfig config,
            @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String type,
            @ConfigProperty(name = "quarkus.redis.max-pool-size", defaultValue = "6") int maxPoolSize,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "24") int maxPoolWaiting) {
        RedisOptions options = new RedisOptions()
                .setType(RedisClientType.valueOf(type.toUpperCase(Locale.ROOT)))
                .setMaxPoolSize(maxPoolSize)
                .setMaxPoolWaiting(maxPoolWaiting);
        hosts.forEach(options::addConnectionString);
        Map<EventLoop, Redis> byLoop = new LinkedHashMap<>();
        if (config.perEventLoop()) {
            VertxInternal internal = (VertxInternal) vertx;
            for (EventExecutor executor : internal.getEventLoopGroup()) {
                EventLoop loop = (EventLoop) executor;
                ContextInternal context = internal.createEventLoopContext(loop, null, Thread.currentThread().getContextClassLoader());
                // Created on the loop's own context, so the client's connections live on that loop.
                byLoop.put(loop, createOn(loop, context, vertx, options));
            }
        }
        Redis fallback = byLoop.isEmpty() ? Redis.createClient(vertx, options) : byLoop.values().iterator().next();
        LOG.infof("redis: %d client(s) (%s, one per event loop: %s)", Math.max(1, byLoop.size()), type, config.perEventLoop());
        return io.vertx.mutiny.redis.client.Redis.newInstance(new EventLoopRedis(byLoop, fallback,
                options.getType() == RedisClientType.CLUSTER, vertx, config.timeout().toMillis()));
    }

    void close(@Disposes io.vertx.mutiny.redis.client.Redis redis) {
        redis.close();
    }

    private static Redis createOn(EventLoop loop, ContextInternal context, Vertx vertx, RedisOptions options) {
        if (loop.inEventLoop()) {
            // Already on that loop (the bean created lazily during a request): waiting for a task on it would never end.
            return Redis.createClient(vertx, new RedisOptions(options));
        }
        CompletableFuture<Redis> created = new CompletableFuture<>();
        context.runOnContext(v -> created.complete(Redis.createClient(vertx, new RedisOptions(options))));
        return created.join();
    }
}
