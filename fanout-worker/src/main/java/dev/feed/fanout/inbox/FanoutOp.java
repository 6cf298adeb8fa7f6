package dev.feed.fanout.inbox;

/** What a batch does to its followers' inboxes: {@code "push"} a post in or {@code "unpush"} it. */
public enum FanoutOp {
    PUSH("push"),
    UNPUSH("unpush");

    private final String wire;

    FanoutOp(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static FanoutOp fromWire(String value) {
        for (FanoutOp op : values()) {
            if (op.wire.equals(value)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op: " + value);
    }
}
