package dev.feed.fanout.admin;

import static dev.feed.fanout.support.Fixtures.activate;
import static dev.feed.fanout.support.Fixtures.awaitComplete;
import static dev.feed.fanout.support.Fixtures.newId;
import static dev.feed.fanout.support.Fixtures.postEvent;
import static dev.feed.fanout.support.Fixtures.send;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.fanout.inbox.FanoutOp;
import dev.feed.fanout.inbox.InboxConfig;
import dev.feed.fanout.kafka.KafkaClients;
import dev.feed.fanout.kafka.TopicsConfig;
import dev.feed.fanout.progress.ProgressStore;
import dev.feed.fanout.support.FakeRelationClient;
import dev.feed.fanout.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FanoutAdminResourceTest {
    @Inject
    @RestClient
    FakeRelationClient relations;
    @Inject
    KafkaClients kafka;
    @Inject
    TopicsConfig topics;
    @Inject
    ProgressStore progress;
    @Inject
    InboxConfig inboxConfig;
    @Inject
    Redis redis;
    @Inject
    ObjectMapper json;

    @Test
    void progress_ofACompletedFanout_showsEveryBatchDone() {
        long author = newId();
        long post = newId();
        List<Long> followers = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            followers.add(newId());
        }
        relations.author(author, "push", followers);
        activate(redis, followers.get(0), inboxConfig.ttl());
        send(kafka, topics.posts(), Long.toString(author), postEvent("post.published", post, author, System.currentTimeMillis()), json);
        awaitComplete(() -> progress.read(post, FanoutOp.PUSH).await().indefinitely());

        Management.admin().get("/admin/fanout/{id}", post).then()
                .statusCode(200)
                .body("postId", equalTo(Long.toString(post)))
                .body("totalBatches", equalTo(2))
                .body("doneBatches", equalTo(2))
                .body("complete", equalTo(true))
                .body("startedAt", notNullValue())
                .body("finishedAt", notNullValue());
    }

    @Test
    void progress_ofAnUnknownPost_is404Problem() {
        Management.admin().get("/admin/fanout/{id}", newId()).then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void progress_ofAMalformedId_is400Problem() {
        Management.admin().get("/admin/fanout/not-a-number").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("postId"));
    }

    @Test
    void metrics_exposeTheFanoutMeters() {
        Management.given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("feed_fanout_deliveries_total"))
                .body(containsString("feed_fanout_lag_seconds"))
                .body(containsString("feed_fanout_batch_size"))
                .body(containsString("feed_fanout_retries_total"))
                .body(containsString("feed_fanout_dead_letters_total"))
                .body(containsString("feed_fanout_pull_tier_skips_total"));
    }
}
