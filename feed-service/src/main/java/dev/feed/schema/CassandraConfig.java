package dev.feed.schema;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.cassandra")
public interface CassandraConfig {
    /** Keyspace of the posts tables (FEED_CASSANDRA_KEYSPACE). Default: feed. */
    @WithDefault("feed")
    String keyspace();

    /** Replication map of the keyspace, CQL syntax (FEED_CASSANDRA_REPLICATION). Default: SimpleStrategy, RF 1. */
    @WithDefault("{'class': 'SimpleStrategy', 'replication_factor': 1}")
    String replication();

    /** Consistency of post reads and writes (FEED_CASSANDRA_CONSISTENCY). Default: LOCAL_QUORUM. */
    @WithDefault("LOCAL_QUORUM")
    DefaultConsistencyLevel consistency();

    /** Apply pending CQL migrations at startup (FEED_SCHEMA_APPLY). Default: true. */
    @WithDefault("true")
    boolean applySchema();

    default ConsistencyLevel consistencyLevel() {
        return consistency();
    }
}
