-- One 1000-id keyset page of the followers of :author (seeded with exactly 1M followers, ids 1..1000000),
-- starting after a random follower id: the query fanout-worker pages through.
\set after random(0, 999000)
SELECT follower_id FROM follows WHERE followee_id = :author AND follower_id > :after ORDER BY followee_id, follower_id LIMIT 1000;
