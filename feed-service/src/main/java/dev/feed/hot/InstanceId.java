package dev.feed.hot;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This process's name among the feed-service instances: the field of its checksums in Redis and
 * the suffix of its Kafka consumer groups. {@code feed.instance-id} (FEED_INSTANCE_ID); default in
 * application.properties: {@code feed-<quarkus.uuid>}, random per process, so the SmallRye channel
 * configuration can use the same value; blank falls back to hostname plus a random suffix.
 */
@ApplicationScoped
public class InstanceId {
    private final String value;

    public InstanceId(@ConfigProperty(name = "feed.instance-id") Optional<String> configured) {
        this.value = configured.filter(s -> !s.isBlank()).orElseGet(InstanceId::generated);
    }

    public String value() {
        return value;
    }

    private static String generated() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "feed";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String toString() {
        return value;
    }
}
