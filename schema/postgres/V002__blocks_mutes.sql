-- relation-service: blocks and mutes (issue 17). Every statement is idempotent.

-- blocker_id blocks blocked_id: no follow edge between the two in either direction while it lasts,
-- and neither sees the other's posts or reposts in a home timeline.
CREATE TABLE IF NOT EXISTS blocks (
    blocker_id bigint      NOT NULL REFERENCES users (id),
    blocked_id bigint      NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
-- "who blocks this user": the other half of a reader's hidden set, and the follow guard.
CREATE INDEX IF NOT EXISTS blocks_blocked_blocker ON blocks (blocked_id, blocker_id);

-- muter_id hides muted_id's posts and reposts from their own home timeline; the follow stays.
CREATE TABLE IF NOT EXISTS mutes (
    muter_id   bigint      NOT NULL REFERENCES users (id),
    muted_id   bigint      NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (muter_id, muted_id),
    CHECK (muter_id <> muted_id)
);
