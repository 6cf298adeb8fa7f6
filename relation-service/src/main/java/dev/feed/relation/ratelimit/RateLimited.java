package dev.feed.relation.ratelimit;

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
        FOLLOWS("follows"),
        SAFETY("safety"),
        PROFILE("profile");

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
                case FOLLOWS -> RateLimiter.Limit.per(config.followsPerUser(), config.followsPeriod());
                case SAFETY -> RateLimiter.Limit.per(config.safetyPerUser(), config.safetyPeriod());
                case PROFILE -> RateLimiter.Limit.per(config.profilePerUser(), config.profilePeriod());
            };
        }

        RateLimiter.Limit perAddress(RateLimitConfig config) {
            return switch (this) {
                case FOLLOWS -> RateLimiter.Limit.per(config.followsPerAddress(), config.followsPeriod());
                case SAFETY -> RateLimiter.Limit.per(config.safetyPerAddress(), config.safetyPeriod());
                case PROFILE -> RateLimiter.Limit.per(config.profilePerAddress(), config.profilePeriod());
            };
        }
    }
}
