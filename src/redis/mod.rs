//! The Redis layer (feature `redis`): token buckets in Redis, so that several processes
//! share one quota. This is where I/O and the wall clock live; [`patterns`](crate::patterns)
//! stays pure.
//!
//! [`RedisLimiter`] implements [`LimiterBackend`](crate::patterns::limiter::LimiterBackend) with the same algorithm, representation and
//! exactness as the in-memory [`KeyedLimiter`](crate::patterns::limiter::KeyedLimiter): one atomic Lua script
//! (`src/redis/check.lua`) runs the GCRA step per check on the **Redis server's clock**
//! (`TIME`, microsecond resolution), so client clocks do not matter.
//!
//! # Representation in Lua
//!
//! Lua numbers are doubles, exact only below 2^53, while the in-memory bucket counts time
//! in `u128` units of `1/N` ns. The script therefore holds a time as a triple
//! `(seconds, nanoseconds < 10^9, fraction < N)` and only adds and compares triples with
//! explicit carries: nothing is divided and no intermediate leaves 2^53, so every decision
//! is exactly the in-memory one at the same (server) times. The client precomputes
//! `cost·D` and `capacity·D` as triples and turns the script's reply (the arrival time and
//! the server's `now`) into a [`Decision`](crate::patterns::limiter::Decision) with the same `u128` arithmetic as the in-memory
//! bucket. Limits (refused by [`RedisLimiter::connect`] and `set_config`): refill rates
//! below `2^53` tokens/s, and `capacity / rate` below `2^43` s.
//!
//! # Keys, TTL, replies
//!
//! One string key per bucket, `{prefix}{<key>}` (a hash tag, so it works on Redis
//! Cluster), holding `(s, ns, fr, N)` as four little-endian doubles (32 bytes), written with
//! `PX` = the time until the bucket is full (rounded up to a millisecond), refreshed on each
//! write: a full bucket is an absent key. The script's arguments and reply travel packed the
//! same way (one `struct.unpack`/`struct.pack` in Lua instead of a decimal conversion per
//! number, which cost the server ~40% more per call); every number is an integer below
//! 2^53, so each double holds it exactly, and the client refuses a reply number that is not
//! such an integer. A bucket written under
//! another rate has its fraction rounded up to the next ns (never more tokens); one holding
//! more debt than the capacity allows (capacity lowered) is clamped to empty. So unlike the
//! in-memory limiter, [`set_config`](crate::patterns::limiter::LimiterBackend::set_config) keeps each bucket's *time
//! debt* (clamped to the new capacity) rather than its tokens.
//!
//! # Calls, time-outs and failures
//!
//! The trait is synchronous: the limiter owns a current-thread tokio runtime and blocks on
//! each call with [`tokio::time::timeout`] (default 20 ms, covering a reconnect too). Do not
//! call it from inside async code (use a plain thread or `spawn_blocking`). Scripts run by
//! `EVALSHA`; only on an explicit `NOSCRIPT` reply (after `SCRIPT FLUSH` or a restart: that
//! call did not run) is the script loaded and that call retried, once, in the same round trip
//! budget; no other failed call is ever replayed. A connection that fails or times out is
//! dropped and re-opened on the next call; one that got an error reply is kept.
//! [`check_many`](crate::patterns::limiter::LimiterBackend::check_many) sends pipelines of at
//! most [`PIPELINE_CHUNK`] checks (on a Cluster, split in one sub-pipeline per primary, sent at
//! once), each round trip within the time-out.
//!
//! Every reply is validated (type, ranges, a bucket state the script can produce; checked
//! arithmetic) before it decides anything. An error reply (`OOM`, `WRONGTYPE`, `NOAUTH`,
//! `-ERR`, an unresolved `NOSCRIPT`) or an invalid reply, in a single call or in any item
//! of a pipeline, makes the round trip a failure for the guard and for the health, and its
//! checks are decided by the policy; [`RedisHealth`] counts who decided how often.
//!
//! A [`SyncBreaker`](crate::realtime::SyncBreaker) guards the calls: after `failure_threshold` consecutive failures it
//! opens and checks are decided by the [`FailurePolicy`] at once (no time-out per request);
//! after its recovery timeout (default 250 ms) one probe call reconnects, so service
//! resumes well within a second of Redis coming back. [`RedisLimiter::health`] reports the
//! description, health, last round-trip time and the guard's state ([`RedisHealth`]).
//!
//! The trait's `now` argument is **ignored** for Redis decisions (the server's clock
//! decides); it is used only by the [`FailurePolicy::Local`] fallback limiter.

//!
//! # Files
//!
//! `connection` (client, runtime, time-outs), `options` ([`RedisOptions`]), `script` and
//! `scale` (the Lua script, its arguments and replies), `policy` ([`FailurePolicy`]),
//! `health` ([`RedisHealth`]), `any_connection` and `slot_owners` (one connection of
//! any topology; a Cluster's pipelines split per primary), `redact` (URLs and messages without secrets), `error`, and
//! `limiter` ([`RedisLimiter`], which ties them together).

mod any_connection;
mod connection;
mod endpoint;
mod error;
mod health;
mod limiter;
mod options;
mod policy;
mod redact;
mod scale;
mod script;
mod slot_owners;

pub use error::{RedisLimiterError, RedisSetupError};
pub use health::RedisHealth;
pub use limiter::{PIPELINE_CHUNK, RedisLimiter};
pub use options::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_GUARD, DEFAULT_PREFIX, DEFAULT_TIMEOUT, RedisOptions,
};
pub use policy::FailurePolicy;
pub use redact::redact_url;
pub use script::CHECK_SCRIPT;
