package dev.feed.timeline;

import static dev.feed.timeline.Fixture.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import dev.feed.hotcache.PostRef;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ETag / If-None-Match on home timeline pages: 304 without hydration while unchanged, 200 once anything shown changed. */
@QuarkusTest
class EtagTest {
    @Inject
    Fixture fx;
    @Inject
    MeterRegistry registry;
    @Inject
    FolloweeCache followees;
    private FakeRelation relation;

    @BeforeEach
    void setUp() {
        relation = fx.freshRelation();
    }

    private static ExtractableResponse<Response> get(long reader, String ifNoneMatch) {
        var r = Fixture.as(reader).queryParam("limit", 5);
        if (ifNoneMatch != null) {
            r.header("If-None-Match", ifNoneMatch);
        }
        return r.get("/v1/timeline").then().extract();
    }

    private double hydrations() {
        return registry.counter("feed_post_cache_hits_total").count() + registry.counter("feed_post_cache_misses_total").count();
    }

    @Test
    void unchangedPage_withItsEtag_is304WithoutBodyOrHydration() {
        long reader = newUser();
        long author = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, author).followPull(reader, pullAuthor);
        get(reader, null);
        for (int i = 0; i < 8; i++) {
            fx.publish(author, reader);
            fx.publish(pullAuthor);
        }
        ExtractableResponse<Response> first = get(reader, null);
        assertThat(first.statusCode()).isEqualTo(200);
        String tag = first.header("ETag");
        assertThat(tag).startsWith("\"");

        double before = hydrations();
        ExtractableResponse<Response> again = get(reader, tag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.header("ETag")).isEqualTo(tag);
        assertThat(again.body().asString()).isEmpty();
        assertThat(hydrations() - before).isZero();
    }

    @Test
    void etag_afterNewPostDeleteOrUnfollow_changes_andAnswers200() {
        long reader = newUser();
        long author = newUser();
        long other = newUser();
        relation.followPush(reader, author, other);
        get(reader, null);
        PostRef a = fx.publish(author, reader);
        fx.publish(other, reader);
        String tag = get(reader, null).header("ETag");

        fx.publish(author, reader);
        ExtractableResponse<Response> afterPost = get(reader, tag);
        assertThat(afterPost.statusCode()).isEqualTo(200);
        String tag2 = afterPost.header("ETag");
        assertThat(tag2).isNotEqualTo(tag);
        assertThat(get(reader, tag2).statusCode()).isEqualTo(304);

        fx.tombstone(a.postId());
        ExtractableResponse<Response> afterDelete = get(reader, tag2);
        assertThat(afterDelete.statusCode()).isEqualTo(200);
        String tag3 = afterDelete.header("ETag");
        assertThat(tag3).isNotEqualTo(tag2);

        relation.unfollow(reader, other);
        followees.invalidate(reader); // what the relation event does
        ExtractableResponse<Response> afterUnfollow = get(reader, tag3);
        assertThat(afterUnfollow.statusCode()).isEqualTo(200);
        assertThat(afterUnfollow.header("ETag")).isNotEqualTo(tag3);
    }

    @Test
    void sincePage_hasAnEtag_andAnswers304WhenUnchanged() {
        long reader = newUser();
        long author = newUser();
        relation.followPush(reader, author);
        get(reader, null);
        PostRef c = fx.publish(author, reader);
        fx.publish(author, reader);
        String since = c.createdAtMillis() + "." + c.postId();
        String tag = Fixture.as(reader).queryParam("since", since).get("/v1/timeline").then().statusCode(200).extract().header("ETag");
        Fixture.as(reader).queryParam("since", since).header("If-None-Match", tag).get("/v1/timeline").then().statusCode(304);
    }
}
