package dev.feed.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The live timeline stream ({@code GET /v1/timeline/stream}): limits, heartbeat, replay. */
@ConfigMapping(prefix = "feed.stream")
public interface StreamConfig {
    /** Open streams one user may hold across all instances (Redis leases, {@link StreamLeases}); one more is a 429 (FEED_STREAM_MAX_PER_USER). Default: 5. */
    @WithDefault("5")
    int maxPerUser();

    /** Open streams one instance holds at most; one more is a 429, the client retries (on another replica) (FEED_STREAM_MAX_PER_INSTANCE). Default: 10000. */
    @WithDefault("10000")
    int maxPerInstance();

    /** A stream that carried no post or delete for this long is closed; the client reconnects with Last-Event-ID (FEED_STREAM_IDLE_TIMEOUT). Default: PT30M. */
    @WithDefault("PT30M")
    Duration idleTimeout();

    /** A comment line goes out this often, so proxies keep the connection and the client notices a dead one (FEED_STREAM_HEARTBEAT). Default: PT15S. */
    @WithDefault("PT15S")
    Duration heartbeat();

    /**
     * Post events every instance keeps in memory (and reads back from Kafka after a restart) to close
     * the gap between a replay, which reads timelines, and a push-tier post whose fanout had not
     * finished when the stream opened (FEED_STREAM_RECENT_WINDOW). Default: PT1M.
     */
    @WithDefault("PT1M")
    Duration recentWindow();

    /** Upper bound of the recent events kept, whatever the window (FEED_STREAM_RECENT_MAX). Default: 100000. */
    @WithDefault("100000")
    int recentMax();

    /** Items per timeline read of a replay (FEED_STREAM_REPLAY_PAGE). Default: 100. */
    @WithDefault("100")
    int replayPage();

    /**
     * How long a stream's lease on one of its user's places lasts without renewal; renewed every
     * heartbeat tick, so it only runs out for a stream whose instance died (FEED_STREAM_LEASE_TTL). Default: PT1M.
     */
    @WithDefault("PT1M")
    Duration leaseTtl();

    /**
     * The wait for Redis when a stream takes its lease; beyond it (or with Redis down) the stream is
     * let in, counted by this instance's per-user limit only (FEED_STREAM_LEASE_TIMEOUT). Default: PT1S.
     */
    @WithDefault("PT1S")
    Duration leaseTimeout();

    /** Events queued for a client that does not read; beyond it the stream is closed and the client resumes with Last-Event-ID (FEED_STREAM_BUFFER). Default: 512. */
    @WithDefault("512")
    int buffer();
}
