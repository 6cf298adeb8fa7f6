package dev.feed.relation.follow;

import java.util.List;

/** One page of users; {@code nextCursor} is null on the last page. */
public record Page(List<UserSummary> items, String nextCursor) {
}
