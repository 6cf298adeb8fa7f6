package dev.feed.stream;

/**
 * One server-sent event, already serialized: made once per post and shared by every stream it
 * goes to. {@code postId} is what a stream de-duplicates by (0 for a heartbeat).
 */
record StreamItem(String name, String id, String data, String comment, long postId) {
    static final StreamItem HEARTBEAT = new StreamItem(null, null, null, "heartbeat", 0);

    static StreamItem post(String position, String json, long postId) {
        return new StreamItem("post", position, json, null, postId);
    }

    /** No {@code id:}: a client's Last-Event-ID stays the position of the last post it got. */
    static StreamItem delete(long postId) {
        return new StreamItem("delete", null, "{\"id\":\"" + postId + "\"}", null, postId);
    }

    boolean isPost() {
        return "post".equals(name);
    }

    boolean isDelete() {
        return "delete".equals(name);
    }
}
