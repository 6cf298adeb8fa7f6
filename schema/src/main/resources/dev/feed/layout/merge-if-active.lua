-- KEYS: an inbox, its floor record (one slot: same hash tag).
-- ARGV: max entries, mode, floor, then score, member pairs.
-- Returns how many were added, -1 if the inbox is absent, -2 if it was dropped. The entries come
-- as arguments (read from the outbox by the caller) because an outbox key is in another hash slot
-- than the inbox. Modes: 'all' merges (the entries are all the inbox needs of that author);
-- 'floor' merges and raises the inbox's floor to the given position (the outbox vouched only down
-- to it, so reads go to Cassandra below it), unless a rebuild is running or the record is gone
-- (feed-service rebuilds then anyway); 'drop' deletes the inbox (Redis has no outbox: nothing
-- tells what the author posted), so the reader's next read rebuilds it by pull, which reads
-- Cassandra and warms that outbox.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[2] == 'drop' then
    redis.call('DEL', KEYS[1], KEYS[2])
    return -2
end
local added = 0
for i = 4, #ARGV, 2 do
    added = added + redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1))
if ARGV[2] == 'floor' then
    local current = redis.call('GET', KEYS[2])
    local function newer(a, b)
        local am, ai = string.match(a, '^(%d+)%.(%d+)$')
        local bm, bi = string.match(b, '^(%d+)%.(%d+)$')
        if not bm then return true end
        if tonumber(am) ~= tonumber(bm) then return tonumber(am) > tonumber(bm) end
        if #ai ~= #bi then return #ai > #bi end
        return ai > bi
    end
    if current == 'none' or (current and current ~= 'building' and newer(ARGV[3], current)) then
        redis.call('SET', KEYS[2], ARGV[3], 'KEEPTTL')
    end
end
return added
