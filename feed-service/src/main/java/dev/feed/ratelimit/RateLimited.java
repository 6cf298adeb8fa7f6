package dev.feed.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method as limited by {@link RateLimitFilter}: a token per request from the
 * caller's bucket and the client address's bucket of {@link #value()}, 429 when either is empty,
 * and the X-RateLimit headers on every answer.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
    Family value();

    /** The endpoint families, each with its own buckets and limits. */
    enum Family {
        PUBLISH("publish"),
        TIMELINE("timeline"),
        DELETES("deletes");

        private final String id;

        Family(String id) {
            this.id = id;
        }

        /** The family's name in bucket keys, metrics and the OpenAPI extension. */
        public String id() {
            return id;
        }

        RateLimiter.Limit perUser(RateLimitConfig config) {
            return switch (this) {
                // a burst, then a steady rate: a person posts in bursts (a thread), rarely for long
                case PUBLISH -> new RateLimiter.Limit(config.publishBurst(), config.publishPerMinute() / 60_000.0);
                case TIMELINE -> RateLimiter.Limit.per(config.timelinePerUser(), config.timelinePeriod());
                case DELETES -> RateLimiter.Limit.per(config.deletesPerUser(), config.deletesPeriod());
            };
        }

        RateLimiter.Limit perAddress(RateLimitConfig config) {
            return switch (this) {
                case PUBLISH -> RateLimiter.Limit.per(config.publishPerAddress(), config.publishPeriod());
                case TIMELINE -> RateLimiter.Limit.per(config.timelinePerAddress(), config.timelinePeriod());
                case DELETES -> RateLimiter.Limit.per(config.deletesPerAddress(), config.deletesPeriod());
            };
        }
    }
}
