package dev.feed.fanout.redis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends many independent commands at once. Standalone: one pipelined batch, one round trip.
 * Cluster: the Vert.x cluster client refuses a batch whose keys span hash slots (CROSSSLOT), so
 * the commands go as sends on ONE cluster connection, which routes each to its slot's node and
 * pipelines them per node. (Sending each on the client instead asked the pool for a connection per
 * command: a 1,000-follower batch overran the pool's wait queue and stalled the worker's Redis in
 * the chaos run, issue 14.)
 */
@ApplicationScoped
public class RedisPipeline {
    private final Redis redis;
    private final boolean cluster;

    public RedisPipeline(Redis redis,
                         @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType) {
        this.redis = redis;
        this.cluster = "cluster".equalsIgnoreCase(clientType);
    }

    public boolean cluster() {
        return cluster;
    }

    public Uni<List<Response>> batch(List<Request> requests) {
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

    public Redis redis() {
        return redis;
    }
}
