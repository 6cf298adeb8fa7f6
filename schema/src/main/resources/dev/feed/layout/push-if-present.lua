-- KEYS: sorted sets of one Redis Cluster hash slot (inboxes, or one outbox).
-- ARGV: score, member, max entries.
-- Adds the member only to a set that exists, trimmed to the cap: fanout writes only into the
-- inboxes of active readers (an absent inbox is rebuilt by pull), and a publish only into an
-- outbox Redis still has (a lost one is warmed from Cassandra, which holds the post already).
-- ZCARD doubles as the existence check (an existing ZSET is never empty) and tells whether a trim
-- is due, so a set below its cap costs two calls, not three. Idempotent: a redelivery re-adds the
-- same member with the same score.
-- Returns {sets that exist, sets that gained the member}.
local present = 0
local added = 0
local max = tonumber(ARGV[3])
for i = 1, #KEYS do
    local size = redis.call('ZCARD', KEYS[i])
    if size > 0 then
        present = present + 1
        local new = redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2])
        added = added + new
        if size + new > max then
            redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(max + 1))
        end
    end
end
return {present, added}
