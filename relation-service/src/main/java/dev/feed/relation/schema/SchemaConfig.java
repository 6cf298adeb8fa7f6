package dev.feed.relation.schema;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "feed.schema")
public interface SchemaConfig {
    /** Apply pending PostgreSQL migrations at startup (FEED_SCHEMA_APPLY). Default: true. */
    @WithDefault("true")
    boolean apply();
}
