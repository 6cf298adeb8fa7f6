package dev.feed.relation;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to this test's management interface (health, metrics, {@code /internal/}): its own port,
 * random in tests, next to the public API port RestAssured points at by default.
 */
public final class Management {
    private Management() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }

    public static int port() {
        return URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class)).getPort();
    }
}
