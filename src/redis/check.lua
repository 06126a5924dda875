-- ringside token bucket: one GCRA step, atomically, on the Redis server's clock.
--
-- Same algorithm and representation as patterns::limiter::bucket (see redis.rs docs).
-- A time is a triple (s, ns, fr) = s seconds + ns nanoseconds + fr/N nanoseconds with
-- 0 <= ns < 1e9 and 0 <= fr < N < 2^53, so every number here is an integer below 2^53
-- and exact in Lua's doubles; additions carry explicitly, nothing is ever divided.
--
-- Numbers travel packed as little-endian doubles (struct.pack '<d'), exact for integers
-- below 2^53: one struct.unpack / struct.pack instead of a tonumber or a decimal
-- conversion per number (the decimal forms cost the server ~40% more per call).
--
-- KEYS[1]  bucket key
-- ARGV[1]  mode: "c" = check (take cost when allowed), "p" = peek (read only)
-- ARGV[2]  7 doubles: N (time units per ns), cost * D as (s, ns, fr) (D = time units per
--          token), capacity * D as (s, ns, fr) (the burst tolerance tau)
-- ARGV[3]  optional, 2 doubles (s, ns): overrides TIME (tests only)
-- Stored value: 4 doubles (s, ns, fr, N), the theoretical arrival time tat and the N it
-- was written under; PX = time until full. A value of another length is not a bucket of
-- this script and counts as absent (full).
-- Returns 6 doubles (flag, s, ns, fr, now_s, now_ns): flag 1 = allowed (triple = new tat),
-- 0 = denied / 2 = peek (triple = max(tat, now)).
--
-- Comparisons are written out inline (a < b on triples: s, then ns, then fr): local
-- helper functions would be created anew on every call.
local NS = 1000000000
local n, cs, cns, cfr, ts, tns, tfr = struct.unpack('<ddddddd', ARGV[2])
local now_s, now_ns
if ARGV[3] then
  now_s, now_ns = struct.unpack('<dd', ARGV[3])
else
  local t = redis.call('TIME')
  now_s, now_ns = tonumber(t[1]), tonumber(t[2]) * 1000
end

-- l = now + tau, the latest tat a bucket may hold (empty); fr of now is 0, so no carry
local ls, lns, lfr = now_s + ts, now_ns + tns, tfr
if lns >= NS then
  lns = lns - NS
  ls = ls + 1
end

-- (s, ns, fr) = max(tat, now), at most l
local s, ns, fr = now_s, now_ns, 0
local v = redis.call('GET', KEYS[1])
if v and #v == 32 then
  local vs, vns, vfr, vn = struct.unpack('<dddd', v)
  if vn ~= n and vfr > 0 then
    -- written under another rate: round the fraction up (never more tokens)
    vfr = 0
    vns = vns + 1
    if vns >= NS then
      vns = 0
      vs = vs + 1
    end
  end
  if vs > s or (vs == s and (vns > ns or (vns == ns and vfr > fr))) then
    s, ns, fr = vs, vns, vfr
  end
  if s > ls or (s == ls and (ns > lns or (ns == lns and fr > lfr))) then
    -- capacity shrank (or the clock stepped back): at most empty
    s, ns, fr = ls, lns, lfr
  end
end

if ARGV[1] == 'c' then
  -- x = (s, ns, fr) + cost, carrying fr into ns and ns into s without leaving 2^53
  local xs, xns, xfr = s + cs, ns + cns, 0
  if fr >= n - cfr then
    xfr = fr - (n - cfr)
    xns = xns + 1
  else
    xfr = fr + cfr
  end
  if xns >= NS then
    xns = xns - NS
    xs = xs + 1
  end
  if not (xs > ls or (xs == ls and (xns > lns or (xns == lns and xfr > lfr)))) then
    if xs > now_s or (xs == now_s and (xns > now_ns or (xns == now_ns and xfr > 0))) then
      -- PX = ceil((tat - now) in ms), at least 1: the key lives exactly until full
      local ds, dns = xs - now_s, xns - now_ns
      if dns < 0 then
        dns = dns + NS
        ds = ds - 1
      end
      local ms = ds * 1000 + math.floor(dns / 1000000)
      if dns % 1000000 ~= 0 or xfr > 0 then ms = ms + 1 end
      -- an integer below 1e17 goes to Redis in plain digits (%.17g)
      if ms > 4000000000000000 then ms = 4000000000000000 end
      redis.call('SET', KEYS[1], struct.pack('<dddd', xs, xns, xfr, n), 'PX', ms)
    end
    return struct.pack('<dddddd', 1, xs, xns, xfr, now_s, now_ns)
  end
  return struct.pack('<dddddd', 0, s, ns, fr, now_s, now_ns)
end
return struct.pack('<dddddd', 2, s, ns, fr, now_s, now_ns)
