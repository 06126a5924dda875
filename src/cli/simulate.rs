//! `ringside simulate`: run a scenario headless and print a report.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use signal_hook::consts::{SIGINT, SIGTERM};

use ringside::report::Report;
use ringside::sim::scenario::validate;
use ringside::sim::{Command, Engine, Interrupt, Scenario, SimError};

use super::{OutputFormat, SimulateArgs};

/// Virtual time advanced per chunk in fast mode (results do not depend on it).
const CHUNK_NS: u64 = 1_000_000_000;
/// Wall time between advances in `--realtime` mode.
const REALTIME_TICK: Duration = Duration::from_millis(50);

/// SIGINT and SIGTERM raise `interrupt` (the engine stops within its next slice of work)
/// and note which signal came, for the exit code.
pub(super) fn stop_on_signals(interrupt: &Interrupt) -> anyhow::Result<Arc<AtomicUsize>> {
    let which = Arc::new(AtomicUsize::new(0));
    for signal in [SIGINT, SIGTERM] {
        signal_hook::flag::register_usize(signal, Arc::clone(&which), signal as usize)
            .context("installing signal handlers")?;
        signal_hook::flag::register(signal, interrupt.flag())
            .context("installing signal handlers")?;
    }
    Ok(which)
}

/// Run `ringside simulate`; returns the exit code: 0, or 128 + n when signal n stopped
/// the run (nothing is printed then).
pub fn run(args: SimulateArgs) -> anyhow::Result<u8> {
    let interrupt = Interrupt::default();
    let signal = stop_on_signals(&interrupt)?;
    let stopped = || u8::try_from(128 + signal.load(Ordering::Relaxed)).unwrap_or(u8::MAX);
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let setup = Instant::now();
    let mut engine =
        match Engine::from_scenario_interruptible(&scenario, args.seed, interrupt.clone()) {
            Err(SimError::Interrupted) => return Ok(stopped()),
            built => built.context("starting the simulation")?,
        };
    if let Some(rate) = args.rate {
        engine.apply(Command::SetRate(rate)).context("--rate")?;
    }
    let shared = super::limiter::attach(&mut engine, &scenario, &args.limiter)?;
    if shared && !args.realtime {
        eprintln!(
            "ringside: the Redis limiter keeps time on the Redis server's clock: running in real time"
        );
    }
    let duration = args.duration.unwrap_or(scenario.duration_ns);
    let setup_s = setup.elapsed().as_secs_f64();
    let started = Instant::now();
    if args.realtime || shared {
        let mut last = Instant::now();
        while engine.now() < duration && !interrupt.is_stopped() {
            std::thread::sleep(REALTIME_TICK);
            let now = Instant::now();
            let dt = (now - last).as_nanos() as u64;
            last = now;
            engine.advance(dt.min(duration - engine.now()));
        }
    } else {
        run_fast(&mut engine, duration, &interrupt);
    }
    if interrupt.is_stopped() {
        return Ok(stopped());
    }
    if let Some(h) = engine.limiter_health() {
        let health = super::limiter::describe_health(&h);
        eprintln!("{}", ringside::report::escape::escape_controls(&health));
    }
    let report = Report::build(&engine, setup_s, started.elapsed().as_secs_f64());
    match args.format {
        OutputFormat::Text => super::scenario_cmd::write_stdout(report.to_text()),
        OutputFormat::Json => super::scenario_cmd::write_stdout(report.to_json() + "\n"),
        OutputFormat::Csv => {
            let csv = report.series_csv().context("writing the series as CSV")?;
            super::scenario_cmd::write_stdout(csv)
        }
    }
    .map(|()| 0)
}

/// Advance `engine` as fast as it goes to virtual time `duration`, or until `interrupt`
/// is raised.
pub(super) fn run_fast(engine: &mut Engine, duration: u64, interrupt: &Interrupt) {
    while engine.now() < duration && !interrupt.is_stopped() {
        engine.advance(CHUNK_NS.min(duration - engine.now()));
    }
}

/// Parse a humane duration flag (`60s`, `2m`, `500ms`) into nanoseconds, within the
/// declared limit.
pub fn parse_duration_arg(text: &str) -> Result<u64, String> {
    let ns = ringside::sim::duration::parse_duration(text)?;
    if ns == 0 {
        return Err("duration must be greater than 0".to_string());
    }
    validate::duration("duration", ns).map_err(|e| e.to_string())?;
    Ok(ns)
}

/// Parse a rate flag: a finite number ≥ 0, at most the declared maximum.
pub fn parse_rate_arg(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 0.0 => {
            validate::rate(r).map(|()| r).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "invalid rate \"{text}\": expected a finite number of requests per second ≥ 0"
        )),
    }
}
