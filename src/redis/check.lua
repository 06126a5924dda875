-- ringside token bucket: one GCRA step, atomically, on the Redis server's clock.
--
-- Same algorithm and representation as patterns::limiter::bucket (see redis.rs docs).
-- A time is a triple (s, ns, fr) = s seconds + ns nanoseconds + fr/N nanoseconds with
-- 0 <= ns < 1e9 and 0 <= fr < N < 2^53, so every number here is an integer below 2^53
-- and exact in Lua's doubles; additions carry explicitly, nothing is ever divided.
--
-- KEYS[1]  bucket key
-- ARGV[1]  mode: "c" = check (take cost when allowed), "p" = peek (read only)
-- ARGV[2]  N (time units per ns)
-- ARGV[3..5] cost * D as (s, ns, fr)      (D = time units per token)
-- ARGV[6..8] capacity * D as (s, ns, fr)  (burst tolerance tau)
-- ARGV[9..10] optional (s, ns): overrides TIME (tests only)
-- Stored value: "s ns fr N" (the theoretical arrival time tat), PX = time until full.
-- Returns {flag, s, ns, fr, now_s, now_ns}: flag 1 = allowed (triple = new tat),
-- 0 = denied / 2 = peek (triple = max(tat, now)).
local NS = 1000000000
local n = tonumber(ARGV[2])
local cs, cns, cfr = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ts, tns, tfr = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local now_s, now_ns
if ARGV[9] then
  now_s, now_ns = tonumber(ARGV[9]), tonumber(ARGV[10])
else
  local t = redis.call('TIME')
  now_s, now_ns = tonumber(t[1]), tonumber(t[2]) * 1000
end

-- a < b
local function lt(as, ans, afr, bs, bns, bfr)
  if as ~= bs then return as < bs end
  if ans ~= bns then return ans < bns end
  return afr < bfr
end

-- a + b, carrying fr into ns and ns into s without leaving 2^53
local function add(as, ans, afr, bs, bns, bfr)
  local s, ns, fr = as + bs, ans + bns, 0
  if afr >= n - bfr then
    fr = afr - (n - bfr)
    ns = ns + 1
  else
    fr = afr + bfr
  end
  if ns >= NS then
    ns = ns - NS
    s = s + 1
  end
  return s, ns, fr
end

local ls, lns, lfr = add(now_s, now_ns, 0, ts, tns, tfr) -- now + tau
local s, ns, fr = now_s, now_ns, 0 -- max(tat, now)
local v = redis.call('GET', KEYS[1])
if v then
  local vs, vns, vfr, vn = string.match(v, '^(%d+) (%d+) (%d+) (%d+)$')
  if vs then
    vs, vns, vfr, vn = tonumber(vs), tonumber(vns), tonumber(vfr), tonumber(vn)
    if vn ~= n and vfr > 0 then
      -- written under another rate: round the fraction up (never more tokens)
      vfr = 0
      vns = vns + 1
      if vns >= NS then
        vns = 0
        vs = vs + 1
      end
    end
    if lt(s, ns, fr, vs, vns, vfr) then
      s, ns, fr = vs, vns, vfr
    end
    if lt(ls, lns, lfr, s, ns, fr) then
      -- capacity shrank (or the clock stepped back): at most empty
      s, ns, fr = ls, lns, lfr
    end
  end
end

if ARGV[1] == 'c' then
  local xs, xns, xfr = add(s, ns, fr, cs, cns, cfr)
  if not lt(ls, lns, lfr, xs, xns, xfr) then
    if lt(now_s, now_ns, 0, xs, xns, xfr) then
      -- PX = ceil((tat - now) in ms), at least 1: the key lives exactly until full
      local ds, dns = xs - now_s, xns - now_ns
      if dns < 0 then
        dns = dns + NS
        ds = ds - 1
      end
      local ms = ds * 1000 + math.floor(dns / 1000000)
      if dns % 1000000 ~= 0 or xfr > 0 then ms = ms + 1 end
      if ms > 4000000000000000 then ms = 4000000000000000 end
      redis.call('SET', KEYS[1], string.format('%.0f %.0f %.0f %.0f', xs, xns, xfr, n), 'PX', string.format('%.0f', ms))
    end
    return {1, xs, xns, xfr, now_s, now_ns}
  end
  return {0, s, ns, fr, now_s, now_ns}
end
return {2, s, ns, fr, now_s, now_ns}
