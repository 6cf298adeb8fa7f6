package dev.feed.relation;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Direct SQL for assertions: what is really in PostgreSQL, not what the API says. */
public final class Db {
    private Db() {
    }

    public static long count(Pool pool, String sql, Object... params) {
        return rows(pool, sql, params).get(0).getLong(0);
    }

    public static List<Row> rows(Pool pool, String sql, Object... params) {
        List<Row> out = new ArrayList<>();
        for (Row r : pool.preparedQuery(sql).execute(Tuple.from(params)).await().indefinitely()) {
            out.add(r);
        }
        return out;
    }

    /** Types of the relay rows written for one Kafka key, in seq order. */
    public static List<String> eventTypes(Pool pool, String key) {
        return rows(pool, "SELECT type FROM relation_events WHERE partition_key = $1 ORDER BY seq", key)
                .stream().map(r -> r.getString(0)).toList();
    }
}
