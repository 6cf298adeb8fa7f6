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
 * the commands go as concurrent sends, which the client pipelines on each node's connections.
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
        List<Uni<Response>> sends = new ArrayList<>(requests.size());
        for (Request request : requests) {
            sends.add(redis.send(request));
        }
        return Uni.join().all(sends).andFailFast();
    }

    public Redis redis() {
        return redis;
    }
}
