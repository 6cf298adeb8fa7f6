package dev.feed.timeline;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.feed.relation.RelationClient;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.reflect.Proxy;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** relation-service dropping the connection mid-call is the caller's 503 to retry, never a 500. */
@QuarkusTest
class RelationDownTest {
    @Inject
    FolloweeCache followees;

    @BeforeEach
    void relationDropsEveryConnection() {
        RelationClient dropping = (RelationClient) Proxy.newProxyInstance(RelationClient.class.getClassLoader(),
                new Class<?>[] {RelationClient.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "followees", "lookup", "hiddenAuthors" -> Uni.createFrom().failure(new IOException("Connection was closed"));
                    case "toString" -> "DroppingRelation";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        QuarkusMock.installMockForType(dropping, RelationClient.class, RestClient.LITERAL);
        followees.invalidateAll();
    }

    @Test
    void timeline_whenRelationServiceDropsTheConnection_is503ProblemWithRetryAfter() {
        Fixture.as(Fixture.newUser()).get("/v1/timeline").then().statusCode(503)
                .contentType("application/problem+json").body("status", equalTo(503))
                .header("Retry-After", notNullValue());
    }
}
