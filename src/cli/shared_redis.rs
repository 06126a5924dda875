//! The Redis limiter attached to the engine as its [`SharedLimiter`] (feature `redis`).

use anyhow::Context as _;

use super::limiter::LimiterArgs;
use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, Decision, LimiterBackend, LimiterError};
use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions, redact_url};
use ringside::sim::scenario::validate::limiter_backend;
use ringside::sim::{BoxError, Engine, LimiterStatus, Scenario, SharedLimiter};

/// Connect the Redis limiter at `url` with the failure policy and round-trip timeout of
/// `args` and attach it to `engine`.
pub fn attach(
    engine: &mut Engine,
    scenario: &Scenario,
    url: &str,
    args: &LimiterArgs,
) -> anyhow::Result<()> {
    // The scenario's `limiter.backend` and `--limiter` accept the same schemes: standalone
    // (`redis://`, `rediss://`, unix sockets), `redis+cluster://` and `redis+sentinel://`.
    limiter_backend(url)
        .map_err(|m| anyhow::anyhow!("unknown limiter backend {}: {m}", redact_url(url)))?;
    let policy: FailurePolicy = args.limiter_policy.parse()?;
    let config = BucketConfig::new(scenario.limiter.capacity, scenario.limiter.refill_per_sec)?;
    let tls_root_ca = match &args.limiter_ca {
        Some(path) => Some(
            std::fs::read(path)
                .with_context(|| format!("--limiter-ca: cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let options = RedisOptions {
        policy,
        timeout: args.limiter_timeout,
        tls_root_ca,
        ..RedisOptions::default()
    };
    let limiter = RedisLimiter::connect(url, config, options).context("--limiter")?;
    engine.set_limiter_backend(Box::new(SharedRedis(limiter)));
    Ok(())
}

/// The Redis limiter as the engine's [`SharedLimiter`].
struct SharedRedis(RedisLimiter);

impl SharedLimiter for SharedRedis {
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        self.0.check(key, cost, now)
    }

    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        self.0.check_many(batch, now, out);
    }

    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), BoxError> {
        Ok(self.0.set_config(config, now)?)
    }

    fn describe(&self) -> String {
        self.0.describe()
    }

    fn status(&self) -> LimiterStatus {
        let h = self.0.health();
        LimiterStatus {
            backend: h.backend,
            topology: h.topology,
            healthy: h.healthy,
            last_rtt_ns: h.last_rtt.map(Nanos::as_nanos),
            guard: Some(h.guard.into()),
            policy: Some(h.policy.to_string()),
            fallbacks: h.fallbacks,
            decisions_remote: h.decisions_redis,
            errors: h.errors,
            reconnects: h.reconnects,
            noscript_reloads: h.noscript_reloads,
            last_error: h.last_error,
        }
    }
}
