//! `ringside scenarios` (list shipped scenarios) and `ringside check PATH` (validate one).

use std::fmt::Write as _;

use ringside::report::escape::escape_controls;
use ringside::sim::Scenario;
use ringside::sim::duration::format_duration;

/// Print one line per shipped scenario.
pub fn list() -> anyhow::Result<()> {
    let mut o = String::new();
    let width = Scenario::builtin_names().map(str::len).max().unwrap_or(0);
    for name in Scenario::builtin_names() {
        let sc = Scenario::builtin(name)?;
        let _ = writeln!(o, "{name:<width$}  {}", sc.description);
    }
    write_stdout(escape_controls(&o).as_bytes())
}

/// Validate a scenario file (or shipped name) and print a summary (control characters in
/// its strings escaped).
pub fn check(path: &str) -> anyhow::Result<()> {
    let sc = Scenario::load(path)?;
    let mut o = String::new();
    let servers: Vec<&str> = sc.servers.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(o, "{path}: ok");
    let _ = writeln!(o, "  name        {}", sc.name);
    let _ = writeln!(o, "  description {}", sc.description);
    let _ = writeln!(
        o,
        "  servers     {} ({}), {} vnodes, {} replica(s)",
        servers.len(),
        servers.join(", "),
        sc.vnodes,
        sc.replicas
    );
    let _ = writeln!(
        o,
        "  traffic     {} req/s, {} tenants ({}), {} keys ({}), {} retries",
        sc.traffic.rate,
        sc.traffic.tenants,
        sc.traffic.tenant_popularity.describe(),
        sc.traffic.keys,
        sc.traffic.key_popularity.describe(),
        sc.traffic.retries
    );
    let _ = writeln!(
        o,
        "  limiter     capacity {}, refill {}/s",
        sc.limiter.capacity, sc.limiter.refill_per_sec
    );
    let _ = writeln!(
        o,
        "  breaker     open after {} failures, probe after {}, close after {} successes",
        sc.breaker.failure_threshold,
        format_duration(sc.breaker.recovery_timeout_ns),
        sc.breaker.success_threshold
    );
    let _ = writeln!(
        o,
        "  events      {} over {}, seed {}",
        sc.events.len(),
        format_duration(sc.duration_ns),
        sc.seed
    );
    write_stdout(escape_controls(&o).as_bytes())
}

/// Write to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn write_stdout(text: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_ref()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
