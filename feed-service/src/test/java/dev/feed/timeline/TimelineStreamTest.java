package dev.feed.timeline;

import static dev.feed.timeline.Fixture.as;
import static dev.feed.timeline.Fixture.newUser;
import static dev.feed.timeline.Fixture.page;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.feed.events.PostEvent;
import dev.feed.hotcache.PostRef;
import dev.feed.post.Post;
import dev.feed.publish.PostEventProducer;
import dev.feed.stream.StreamHub;
import dev.feed.testing.SseClient;
import io.opentelemetry.context.Context;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/timeline/stream} against the real stack: posts go through {@code POST /v1/posts}
 * (Cassandra, outbox, Kafka {@code feed.posts}, which the stream consumes); fanout-worker does not
 * run here, so a push-tier post reaches the reader's inbox by {@link Fixture#pushToLiveInboxes}
 * as the worker would, or not at all when a test says so.
 */
@QuarkusTest
class TimelineStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Fixture fx;
    @Inject
    StreamHub hub;
    @Inject
    HiddenAuthorsCache hiddenAuthors;
    @Inject
    PostEventProducer events;
    @TestHTTPResource("/v1/timeline/stream")
    URI streamUri;

    private FakeRelation relation;
    private static boolean consumerLive;

    @BeforeEach
    void setUp() throws Exception {
        relation = fx.freshRelation();
        if (!consumerLive) {
            awaitConsumerAssigned();
            consumerLive = true;
        }
    }

    /** The app's feed.posts consumer joins its group asynchronously after startup (slowly on a busy machine). */
    private void awaitConsumerAssigned() throws Exception {
        long probe = newUser();
        try (SseClient c = open(probe, null)) {
            Published own = publish(probe, "probe");
            SseClient.Event e = c.next(Duration.ofSeconds(120));
            assertThat(e).as("the stream consumer delivers within 120 s of startup").isNotNull();
            assertThat(e.id()).isEqualTo(own.position());
        }
    }

    /** A published post as the API answered it. */
    record Published(long id, String position) {
        PostRef ref() {
            return new PostRef(id, Long.parseLong(position.substring(0, position.indexOf('.'))));
        }
    }

    private static Published publish(long author, String text) {
        JsonPath p = as(author).contentType(ContentType.JSON).body("{\"text\":\"" + text + "\"}").post("/v1/posts")
                .then().statusCode(201).extract().jsonPath();
        long id = Long.parseLong(p.getString("id"));
        return new Published(id, Instant.parse(p.getString("createdAt")).toEpochMilli() + "." + id);
    }

    /** What fanout-worker does for a push-tier post. */
    private Published publishPush(long author, long reader, String text) {
        Published p = publish(author, text);
        fx.pushToLiveInboxes(p.ref(), reader);
        return p;
    }

    private SseClient open(long reader, String lastEventId) throws Exception {
        int before = hub.streamsOf(reader);
        SseClient c = SseClient.open(streamUri, Fixture.token(reader), lastEventId);
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.header("Content-Type")).startsWith("text/event-stream");
        Fixture.eventually(WAIT.toMillis(), () -> hub.streamsOf(reader) > before, "the stream is registered");
        return c;
    }

    private static List<Long> postIds(List<SseClient.Event> events) {
        List<Long> ids = new ArrayList<>();
        for (SseClient.Event e : events) {
            assertThat(e.name()).isEqualTo("post");
            ids.add(Long.parseLong(e.id().substring(e.id().indexOf('.') + 1)));
        }
        return ids;
    }

    private static SseClient.Event nextPost(SseClient c) throws Exception {
        SseClient.Event e = c.next(WAIT);
        assertThat(e).as("an event within " + WAIT).isNotNull();
        return e;
    }

    @Test
    void stream_deliversNewPostsOfPushAndPullTierAuthors_andTheirDelete() throws Exception {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        page(reader, 1, null);
        try (SseClient c = open(reader, null)) {
            Published pushed = publishPush(pushAuthor, reader, "from the push tier");
            SseClient.Event e = nextPost(c);
            assertThat(e.name()).isEqualTo("post");
            assertThat(e.id()).isEqualTo(pushed.position());
            JsonNode post = JSON.readTree(e.data());
            assertThat(post.path("id").asText()).isEqualTo(Long.toString(pushed.id()));
            assertThat(post.path("text").asText()).isEqualTo("from the push tier");
            assertThat(post.path("author").path("id").asText()).isEqualTo(Long.toString(pushAuthor));

            Published pulled = publish(pullAuthor, "from the pull tier");
            SseClient.Event p = nextPost(c);
            assertThat(p.name()).isEqualTo("post");
            assertThat(p.id()).isEqualTo(pulled.position());

            as(pullAuthor).delete("/v1/posts/" + pulled.id()).then().statusCode(204);
            SseClient.Event d = nextPost(c);
            assertThat(d.name()).isEqualTo("delete");
            assertThat(d.id()).as("a delete leaves Last-Event-ID alone").isNull();
            assertThat(JSON.readTree(d.data()).path("id").asText()).isEqualTo(Long.toString(pulled.id()));
        }
    }

    @Test
    void stream_deliversTheReadersOwnPosts_butNotThoseOfAuthorsTheyDoNotFollow() throws Exception {
        long reader = newUser();
        long stranger = newUser();
        page(reader, 1, null);
        try (SseClient c = open(reader, null)) {
            Published strangers = publish(stranger, "not followed");
            Published own = publish(reader, "my own");
            SseClient.Event e = nextPost(c);
            assertThat(e.id()).isEqualTo(own.position());
            assertThat(c.drain(Duration.ofSeconds(2))).extracting(SseClient.Event::id).doesNotContain(strangers.position());
        }
    }

    @Test
    void stream_resumedWithLastEventId_replaysWhatWasMissedOldestFirst_thenGoesLive_withNoGapAndNoRepeat() throws Exception {
        long reader = newUser();
        long pushAuthor = newUser();
        long pullAuthor = newUser();
        relation.followPush(reader, pushAuthor).followPull(reader, pullAuthor);
        page(reader, 1, null);
        String last;
        try (SseClient c = open(reader, null)) {
            Published first = publishPush(pushAuthor, reader, "seen live");
            last = nextPost(c).id();
            assertThat(last).isEqualTo(first.position());
        }
        Fixture.eventually(WAIT.toMillis(), () -> hub.streamsOf(reader) == 0, "the closed stream is gone");
        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            missed.add(i % 2 == 0 ? publishPush(pushAuthor, reader, "missed " + i).id() : publish(pullAuthor, "missed " + i).id());
        }
        try (SseClient c = open(reader, last)) {
            List<Long> got = new ArrayList<>(postIds(List.of(nextPost(c), nextPost(c), nextPost(c), nextPost(c), nextPost(c), nextPost(c))));
            assertThat(got).as("replayed oldest first").containsExactlyElementsOf(missed);
            Published live = publishPush(pushAuthor, reader, "live again");
            got.addAll(postIds(c.drain(Duration.ofSeconds(3))));
            assertThat(got).doesNotHaveDuplicates().endsWith(live.id()).hasSize(missed.size() + 1);
        }
    }

    @Test
    void stream_resumedBeforeTheFanoutReachedTheInbox_stillDeliversThePost() throws Exception {
        long reader = newUser();
        long pushAuthor = newUser();
        relation.followPush(reader, pushAuthor);
        page(reader, 1, null);
        String last;
        try (SseClient c = open(reader, null)) {
            publishPush(pushAuthor, reader, "seen");
            last = nextPost(c).id();
        }
        // Published while the client was away; the worker has not pushed it to the inbox (yet).
        Published late = publish(pushAuthor, "fanout still under way");
        try (SseClient c = open(reader, last)) {
            assertThat(nextPost(c).id()).isEqualTo(late.position());
            fx.pushToLiveInboxes(late.ref(), reader); // the fanout lands now: no second copy
            assertThat(c.drain(Duration.ofSeconds(2))).isEmpty();
        }
    }

    @Test
    void stream_withSince_replaysLikeLastEventId() throws Exception {
        long reader = newUser();
        long pullAuthor = newUser();
        relation.followPull(reader, pullAuthor);
        Published a = publish(pullAuthor, "a");
        Published b = publish(pullAuthor, "b");
        SseClient c = SseClient.open(URI.create(streamUri + "?since=" + a.position()), Fixture.token(reader), null);
        try (c) {
            assertThat(c.status()).isEqualTo(200);
            assertThat(nextPost(c).id()).isEqualTo(b.position());
        }
    }

    @Test
    void stream_ofMutedAuthor_stopsCarryingTheirPosts() throws Exception {
        long reader = newUser();
        long muted = newUser();
        long other = newUser();
        relation.followPull(reader, muted, other);
        try (SseClient c = open(reader, null)) {
            Published before = publish(muted, "before the mute");
            assertThat(nextPost(c).id()).isEqualTo(before.position());
            relation.mute(reader, muted);
            hiddenAuthors.invalidate(reader); // what the relation.muted event does (FolloweeInvalidator)
            Fixture.eventually(WAIT.toMillis(), () -> !hub.follows(reader, muted), "the stream dropped the muted author");
            Published hidden = publish(muted, "after the mute");
            Published shown = publish(other, "still followed");
            List<SseClient.Event> events = c.drain(Duration.ofSeconds(3));
            assertThat(events).extracting(SseClient.Event::id).contains(shown.position()).doesNotContain(hidden.position());
        }
    }

    @Test
    void stream_beyondTheLimitPerUser_is429ProblemWithRetryAfter() throws Exception {
        long reader = newUser();
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(open(reader, null));
            }
            try (SseClient refused = SseClient.open(streamUri, Fixture.token(reader), null)) {
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                assertThat(refused.header("Retry-After")).isNotNull();
                JsonNode problem = JSON.readTree(refused.body());
                assertThat(problem.path("status").asInt()).isEqualTo(429);
                assertThat(problem.path("detail").asText()).contains("5 open streams per user");
            }
            // another user is not affected
            try (SseClient other = open(newUser(), null)) {
                assertThat(other.status()).isEqualTo(200);
            }
            // closing one frees its place
            open.remove(0).close();
            Fixture.eventually(WAIT.toMillis(), () -> hub.streamsOf(reader) == 4, "the closed stream is released");
            open.add(open(reader, null));
        } finally {
            open.forEach(SseClient::close);
        }
    }

    /** What the pending-fanout relay does for a post whose publish could not reach Kafka: its event, sent now, for a post of an hour ago. */
    private Published relayLate(long author) {
        PostRef ref = fx.durable(author);
        events.send(PostEvent.of(PostEvent.PUBLISHED, ref.postId(), author, ref.createdAtMillis()), Context.root()).await().indefinitely();
        return new Published(ref.postId(), ref.createdAtMillis() + "." + ref.postId());
    }

    /** Opens, receives one live post, closes: the Last-Event-ID a client keeps. */
    private String seenThenAway(long reader, long author) throws Exception {
        String last;
        try (SseClient c = open(reader, null)) {
            Published seen = publish(author, "seen");
            last = nextPost(c).id();
            assertThat(last).isEqualTo(seen.position());
        }
        Fixture.eventually(WAIT.toMillis(), () -> hub.streamsOf(reader) == 0, "the closed stream is gone");
        return last;
    }

    @Test
    void stream_resumed_deliversAPostThatJoinsLateBelowItsPosition_whenTheRelaySendsIt() throws Exception {
        long reader = newUser();
        long author = newUser();
        relation.followPull(reader, author);
        String last = seenThenAway(reader, author);
        try (SseClient c = open(reader, last)) {
            Published late = relayLate(author);
            SseClient.Event e = nextPost(c);
            assertThat(e.name()).isEqualTo("post");
            assertThat(e.id()).as("a post an hour older than Last-Event-ID, relayed while the client is here").isEqualTo(late.position());
        }
    }

    @Test
    void stream_resumedAfterBeingAway_getsTheDeletesAndLatePostsOfThatTimeBelowItsPosition() throws Exception {
        long reader = newUser();
        long author = newUser();
        relation.followPull(reader, author);
        Published held;
        String last;
        try (SseClient c = open(reader, null)) {
            held = publish(author, "the client shows this one");
            assertThat(nextPost(c).id()).isEqualTo(held.position());
            Published newer = publish(author, "and this one");
            last = nextPost(c).id();
            assertThat(last).isEqualTo(newer.position());
        }
        Fixture.eventually(WAIT.toMillis(), () -> hub.streamsOf(reader) == 0, "the closed stream is gone");
        // while away: a post the client holds is deleted, and a post joins late, below the client's position
        as(author).delete("/v1/posts/" + held.id()).then().statusCode(204);
        Published late = relayLate(author);
        Fixture.eventually(WAIT.toMillis(), () -> hub.recentlySeen(held.id(), true) && hub.recentlySeen(late.id(), false),
                "the delete and the relayed post reached this instance");
        try (SseClient c = open(reader, last)) {
            List<SseClient.Event> got = List.of(nextPost(c), nextPost(c));
            assertThat(got).anySatisfy(e -> {
                assertThat(e.name()).isEqualTo("delete");
                assertThat(JSON.readTree(e.data()).path("id").asText()).isEqualTo(Long.toString(held.id()));
            });
            assertThat(got).anySatisfy(e -> {
                assertThat(e.name()).isEqualTo("post");
                assertThat(e.id()).isEqualTo(late.position());
            });
            assertThat(c.drain(Duration.ofSeconds(2))).as("nothing else: no repeat of what the client had").isEmpty();
        }
    }

    @Test
    void stream_malformedLastEventId_is400() throws Exception {
        try (SseClient c = SseClient.open(streamUri, Fixture.token(newUser()), "yesterday")) {
            assertThat(c.status()).isEqualTo(400);
            assertThat(c.body()).contains("yesterday");
        }
    }

    @Test
    void stream_withoutToken_is401() throws Exception {
        try (SseClient c = SseClient.open(streamUri, null, null)) {
            assertThat(c.status()).isEqualTo(401);
        }
    }
}
