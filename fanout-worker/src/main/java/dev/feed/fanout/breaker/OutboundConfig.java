package dev.feed.fanout.breaker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Timeouts and circuit breakers of the worker's outbound calls ({@link Breakers}). relation-service's
 * timeouts are its REST client's (FEED_RELATION_CONNECT_TIMEOUT, FEED_RELATION_READ_TIMEOUT).
 */
@ConfigMapping(prefix = "feed.fanout.outbound")
public interface OutboundConfig {
    /** Longest wait for one Redis command or pipelined batch before it fails (FEED_FANOUT_REDIS_TIMEOUT). Default: PT5S. */
    @WithDefault("PT5S")
    Duration redisTimeout();

    /**
     * Longest a Kafka send (a batch task, a dead letter) may take, retries included, before it fails
     * and the poll is redelivered (FEED_FANOUT_KAFKA_SEND_TIMEOUT). Default: PT30S.
     */
    @WithDefault("PT30S")
    Duration kafkaSendTimeout();

    /** Calls each breaker looks back on (FEED_FANOUT_BREAKER_VOLUME). Default: 20. */
    @WithDefault("20")
    @Min(1)
    int breakerVolume();

    /** Share of those calls that must have failed for it to open (FEED_FANOUT_BREAKER_FAILURE_RATIO). Default: 0.5. */
    @WithDefault("0.5")
    @Min(0)
    @Max(1)
    double breakerFailureRatio();

    /** How long an open breaker refuses calls before letting some try again (FEED_FANOUT_BREAKER_DELAY). Default: PT5S. */
    @WithDefault("PT5S")
    Duration breakerDelay();
}
