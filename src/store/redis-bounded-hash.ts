/**
 * Lua that drops the oldest entries of a bounded hash beyond its limit, for scripts that add to one: KEYS[hash] holds
 * the entries, KEYS[order] their age (a sorted set, oldest lowest), ARGV[limit] the bound. Shared by the quarantine and
 * the email watch state, so both evict alike.
 */
export function dropOldestBeyondLimitLua(hash: number, order: number, limit: number): string {
  return `
local excess = redis.call('ZCARD', KEYS[${order}]) - tonumber(ARGV[${limit}])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[${order}], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[${order}], 0, excess - 1)
  redis.call('HDEL', KEYS[${hash}], unpack(old))
end`;
}
