package dev.feed.stream;

/**
 * One server-sent event, already serialized: made once per post and shared by every stream it
 * goes to. {@code postId} is what a stream de-duplicates by (0 for a heartbeat);
 * {@code producedAtMillis} the Kafka timestamp of the event it came from (0: read from a timeline).
 */
record StreamItem(String name, String id, String data, String comment, long postId, long producedAtMillis) {
    static final StreamItem HEARTBEAT = new StreamItem(null, null, null, "heartbeat", 0, 0);

    static StreamItem post(String position, String json, long postId, long producedAtMillis) {
        return new StreamItem("post", position, json, null, postId, producedAtMillis);
    }

    /** No {@code id:}: a client's Last-Event-ID stays the position of the last post it got. */
    static StreamItem delete(long postId) {
        return new StreamItem("delete", null, "{\"id\":\"" + postId + "\"}", null, postId, 0);
    }

    boolean isPost() {
        return "post".equals(name);
    }

    boolean isDelete() {
        return "delete".equals(name);
    }
}
