package dev.feed.redis;

/**
 * Redis did not answer: refused, dropped the connection, or gave no reply within
 * {@code feed.redis.timeout}. Distinct from a Redis error reply (WRONGTYPE, NOSCRIPT), which
 * passes through unchanged: a read degrades to Cassandra on this one only.
 */
public class RedisUnavailableException extends RuntimeException {
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
