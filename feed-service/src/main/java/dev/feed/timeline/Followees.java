package dev.feed.timeline;

import dev.feed.relation.RelationClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Whom a reader follows, by tier. {@code allowed} (both tiers and the reader) decides what a page may show. */
record Followees(List<Long> push, List<Long> pull, Set<Long> allowed) {

    static Followees of(long readerId, RelationClient.Followees raw) {
        List<Long> push = ids(raw.push());
        List<Long> pull = ids(raw.pull());
        Set<Long> allowed = new HashSet<>(push);
        allowed.addAll(pull);
        allowed.add(readerId);
        return new Followees(push, pull, Set.copyOf(allowed));
    }

    /** Every author a page of this reader is made of, the reader included. */
    List<Long> everyone(long readerId) {
        List<Long> all = new ArrayList<>(push.size() + pull.size() + 1);
        all.addAll(push);
        all.addAll(pull);
        all.add(readerId);
        return all;
    }

    private static List<Long> ids(List<String> raw) {
        List<Long> ids = new ArrayList<>(raw == null ? 0 : raw.size());
        if (raw != null) {
            raw.forEach(s -> ids.add(Long.parseLong(s)));
        }
        return ids;
    }
}
