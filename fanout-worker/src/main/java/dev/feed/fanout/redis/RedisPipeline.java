package dev.feed.fanout.redis;

import dev.feed.fanout.breaker.Breakers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends many independent commands at once. Standalone: one pipelined batch, one round trip.
 * Cluster: the Vert.x cluster client refuses a batch whose keys span hash slots (CROSSSLOT), so
 * the commands go as sends on ONE cluster connection, which routes each to its slot's node and
 * pipelines them per node. (Sending each on the client instead asked the pool for a connection per
 * command: a 1,000-follower batch overran the pool's wait queue and stalled the worker's Redis in
 * the chaos run, issue 14.)
 *
 * <p>Every Redis command of the worker goes through here, so each has the Redis timeout and sits
 * behind the Redis breaker ({@link Breakers#redis}).
 */
@ApplicationScoped
public class RedisPipeline {
    private final Redis redis;
    private final boolean cluster;
    private final Breakers breakers;

    @jakarta.inject.Inject
    public RedisPipeline(Redis redis,
                         @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
                         Breakers breakers) {
        this.redis = redis;
        this.cluster = "cluster".equalsIgnoreCase(clientType);
        this.breakers = breakers;
    }

    /** Without timeout or breaker: for a test that builds its own pipeline against a cluster. */
    public RedisPipeline(Redis redis, String clientType) {
        this(redis, clientType, null);
    }

    public boolean cluster() {
        return cluster;
    }

    /** One command, with the timeout, behind the breaker. */
    public Uni<Response> send(Request request) {
        return guarded(() -> redis.send(request));
    }

    /** Many commands in one pipelined round trip per node, with the timeout, behind the breaker. */
    public Uni<List<Response>> batch(List<Request> requests) {
        return guarded(() -> unguardedBatch(requests));
    }

    private Uni<List<Response>> unguardedBatch(List<Request> requests) {
        if (!cluster) {
            return redis.batch(requests);
        }
        return redis.connect().chain(connection -> {
            List<Uni<Response>> sends = new ArrayList<>(requests.size());
            for (Request request : requests) {
                sends.add(connection.send(request));
            }
            return Uni.join().all(sends).andFailFast().eventually(connection::close);
        });
    }

    private <T> Uni<T> guarded(Supplier<Uni<T>> call) {
        return breakers == null ? call.get() : breakers.redis(call);
    }

    public Redis redis() {
        return redis;
    }
}
