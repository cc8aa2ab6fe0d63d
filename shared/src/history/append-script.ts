/**
 * One publish of one room, atomically: the room's next offset, the entry appended to its log
 * under that offset with the log capped and its expiry renewed, the position's expiry renewed,
 * and the announcement to the gateways. No gateway can hear of a message history does not hold,
 * and no two messages of a room share an offset.
 *
 * KEYS: position hash, log stream, and (only for an idempotent publish) the idempotency key.
 * ARGV: entry JSON, history size, history TTL s, position TTL s, epoch for a new history, feed
 * channel, room, idempotency TTL s.
 * Returns { offset, epoch, receivers }; receivers is -1 when the idempotency key was already
 * used, and then nothing was stored.
 */
export const APPEND_SCRIPT = `
local idempotent = #KEYS == 3
if idempotent then
  local earlier = redis.call('GET', KEYS[3])
  if earlier then
    return {tonumber(earlier), redis.call('HGET', KEYS[1], 'epoch') or '', -1}
  end
end
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if offset == 1 or not epoch then
  -- A new history, or one whose position was lost: a log left behind would refuse lower ids.
  epoch = ARGV[5]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('DEL', KEYS[2])
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], offset .. '-0', 'm', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if idempotent then
  redis.call('SET', KEYS[3], offset, 'EX', ARGV[8])
end
local receivers = redis.call('PUBLISH', ARGV[6], offset .. '\\n' .. epoch .. '\\n' .. ARGV[7] .. '\\n' .. ARGV[1])
return {offset, epoch, receivers}
`;
