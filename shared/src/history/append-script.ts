/**
 * The appends of one room, atomically, in order: each entry gets the room's next offset and is
 * appended to its log under that offset with the log capped, and is announced to the gateways;
 * then the log's and the position's expiries are renewed once. No gateway can hear of a message
 * history does not hold, and no two messages of a room share an offset. One call carries every
 * append of a room asked for in one turn (a batch of publishes to one room is one call), each
 * answered on its own.
 *
 * KEYS: position hash, log stream, then the idempotency key of each entry that has one, in order.
 * ARGV: history size, history TTL s, position TTL s, epoch for a new history, feed channel,
 * room, idempotency TTL s, `PUBLISH` or `SPUBLISH` (the feed channel is then the room's own
 * shard channel, in the slot of its keys), then per entry its JSON and "1" when it has an
 * idempotency key, else "0".
 * Returns one { offset, epoch, receivers } per entry; receivers is -1 when its idempotency key was
 * already used, and then nothing was stored for it.
 */
export const APPEND_SCRIPT = `
local results = {}
local nextKey = 3
local stored = false
-- Read once per call: the room's epoch cannot change between its appends of one call.
local epoch = nil
for i = 9, #ARGV, 2 do
  local idempotencyKey = nil
  if ARGV[i + 1] == '1' then
    idempotencyKey = KEYS[nextKey]
    nextKey = nextKey + 1
  end
  local earlier = idempotencyKey and redis.call('GET', idempotencyKey)
  if earlier then
    results[#results + 1] = {tonumber(earlier), epoch or redis.call('HGET', KEYS[1], 'epoch') or '', -1}
  else
    local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
    if not epoch then
      epoch = redis.call('HGET', KEYS[1], 'epoch')
    end
    if offset == 1 or not epoch then
      -- A new history, or one whose position was lost: a log left behind would refuse lower ids.
      epoch = ARGV[4]
      redis.call('HSET', KEYS[1], 'epoch', epoch)
      redis.call('DEL', KEYS[2])
    end
    redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[1], offset .. '-0', 'm', ARGV[i])
    if idempotencyKey then
      redis.call('SET', idempotencyKey, offset, 'EX', ARGV[7])
    end
    local receivers = redis.call(ARGV[8], ARGV[5], offset .. '\\n' .. epoch .. '\\n' .. ARGV[6] .. '\\n' .. ARGV[i])
    results[#results + 1] = {offset, epoch, receivers}
    stored = true
  end
end
if stored then
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return results
`;
