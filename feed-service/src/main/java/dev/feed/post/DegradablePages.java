package dev.feed.post;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * A page that is read with Redis's help and can also be built from Cassandra alone: when Redis is
 * unreachable (a call failed or timed out, or its breaker is open) the Cassandra way answers,
 * behind a concurrency limit, and the page says {@code "degraded": true} (DESIGN "When a dependency
 * fails"). Implemented by {@code dev.feed.timeline.RedisOrCassandra}, whose breaker and bulkhead the
 * home timeline uses too; declared here so post pages share them without this package depending
 * on the timeline package (which depends on this one).
 */
public interface DegradablePages {
    Uni<PostPage> read(Supplier<Uni<PostPage>> redis, Supplier<Uni<PostPage>> cassandra);
}
