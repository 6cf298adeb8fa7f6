package dev.feed.fanout.support;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Requests to this test's management interface (health, metrics, {@code /admin/}, with the internal token of the test profile): its own port,
 * random in tests, next to the public API port RestAssured points at by default.
 */
public final class Management {
    public static final String TOKEN = "local-internal-token";

    private Management() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }

    /** The management interface with the test profile's {@code X-Internal-Token}: what /admin/ wants. */
    public static RequestSpecification admin() {
        return given().header("X-Internal-Token", TOKEN);
    }

    public static int port() {
        return URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class)).getPort();
    }
}
