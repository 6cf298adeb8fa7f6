package dev.feed.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Puts the whole stack into one tier regime, "the same code with the tier threshold at infinity
 * and at zero": restarts relation-service with the thresholds, re-evaluates every author's tier
 * ({@code POST /internal/v1/tiers/reevaluate?hysteresis=false}, so tiers depend on counts alone,
 * as after a seed), then waits until the tier events are published and every consumer of
 * {@code feed.relations} (feed-service's followee cache, fanout-worker) and of the hot-cache
 * broadcasts they cause has applied them. fanout-worker asks relation-service for the tier of
 * each post's author, so it follows at once; feed-service drops its cached followee lists on
 * each tier event.
 */
final class TierModes {
    /** {@code pullAt}/{@code pushBelow} null: relation-service's defaults (FEED_TIER_PULL_AT 10000, FEED_TIER_PUSH_BELOW 8000). */
    record Mode(String name, Long pullAt, Long pushBelow, String meaning) {
        List<String> env() {
            return pullAt == null ? List.of() : List.of("FEED_TIER_PULL_AT=" + pullAt, "FEED_TIER_PUSH_BELOW=" + pushBelow);
        }
    }

    static final Mode HYBRID = new Mode("hybrid", null, null, "defaults: pull from 10000 followers");
    /** Nobody reaches a trillion followers: every author is pushed. */
    static final Mode PUSH_ALL = new Mode("push-all", 1_000_000_000_000L, 1_000_000_000_000L, "pull-at 10^12: every author pushed");
    /** Anyone with a follower is pulled (an author with none has nobody to push to either). */
    static final Mode PULL_ALL = new Mode("pull-all", 1L, 1L, "pull-at 1: every author with a follower pulled");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Services services;
    private final String relationUrl;
    private final String internalToken;
    private final String kafkaBootstrap;
    private final Function<String, String> psql;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Mode current;

    TierModes(Services services, String relationUrl, String internalToken, String kafkaBootstrap, Function<String, String> psql) {
        this.services = services;
        this.relationUrl = relationUrl;
        this.internalToken = internalToken;
        this.kafkaBootstrap = kafkaBootstrap;
        this.psql = psql;
        this.current = services.extraEnv("relation-service").isEmpty() ? HYBRID : null;
    }

    Mode current() {
        return current;
    }

    /** Switches the stack to {@code mode} unless it is already there; returns what the re-evaluation did (null if nothing to do). */
    JsonNode apply(Mode mode) throws Exception {
        if (mode.equals(current)) {
            return null;
        }
        current = null; // unknown until the switch completes
        services.restart("relation-service", mode.env());
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(relationUrl + "/internal/v1/tiers/reevaluate?hysteresis=false"))
                        .header("X-Internal-Token", internalToken).timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("tier re-evaluation answered " + r.statusCode() + ": " + r.body());
        }
        JsonNode result = JSON.readTree(r.body());
        System.out.printf("    tiers re-evaluated in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, r.body());
        long r0 = System.nanoTime();
        awaitRelayed(Duration.ofMinutes(5));
        System.out.printf("    relay published every tier event %.1f s after the re-evaluation%n", (System.nanoTime() - r0) / 1e9);
        Duration seen = KafkaLag.awaitConsumed(kafkaBootstrap, Set.of("feed.relations", "feed.hotcache-changes"), Duration.ofMinutes(5));
        System.out.printf("    tier events published and applied by every consumer group (%.1f s after the relay)%n", seen.toMillis() / 1e3);
        current = mode;
        return result;
    }

    /** Tier counts as relation-service now has them, e.g. "pull=123 push=99877". */
    String tierCounts() {
        List<String> parts = new ArrayList<>();
        for (String line : psql.apply("SELECT tier, count(*) FROM users GROUP BY tier ORDER BY tier").split("\n")) {
            if (!line.isBlank()) {
                parts.add(line.strip().replace('|', '='));
            }
        }
        return String.join(" ", parts);
    }

    private void awaitRelayed(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> "0".equals(psql.apply("SELECT count(*) FROM relation_events WHERE published_at IS NULL").strip()));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("relation events still unpublished after " + timeout);
        }
    }
}
