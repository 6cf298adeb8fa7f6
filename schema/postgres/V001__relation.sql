-- relation-service: profiles, follow edges (indexed both ways), counts, author tier, event relay.
-- Every statement is idempotent: applying this file twice changes nothing.

CREATE TABLE IF NOT EXISTS users (
    id              bigint       PRIMARY KEY,
    handle          varchar(30)  NOT NULL,
    display_name    varchar(100) NOT NULL,
    follower_count  bigint       NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
    following_count bigint       NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    -- 'push': posts fanned out to followers' inboxes; 'pull': merged at read time (hot author).
    tier            varchar(4)   NOT NULL DEFAULT 'push' CHECK (tier IN ('push', 'pull')),
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS users_handle_key ON users (handle);

CREATE TABLE IF NOT EXISTS follows (
    follower_id bigint      NOT NULL REFERENCES users (id),
    followee_id bigint      NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
-- Followers of an author in keyset order: the query every fanout pages through.
CREATE INDEX IF NOT EXISTS follows_followee_follower ON follows (followee_id, follower_id);

-- Transactional outbox: a row is written in the same transaction as the change it describes,
-- and the relay publishes it to Kafka, then stamps published_at.
CREATE TABLE IF NOT EXISTS relation_events (
    seq           bigserial   PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    type          varchar(32) NOT NULL,
    partition_key varchar(64) NOT NULL,
    payload       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX IF NOT EXISTS relation_events_unpublished ON relation_events (seq) WHERE published_at IS NULL;
