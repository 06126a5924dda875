//! `ringside compare`: the same scenario, seed and arrivals through two designs, headless,
//! scored side by side.

use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use ringside::report::Report;
use ringside::report::compare::{CompareReport, Side};
use ringside::sim::compare::{Scores, Settings, measure_lookup_ns, side_engine};
use ringside::sim::{Interrupt, Scenario};

use super::simulate::{parse_duration_arg, run_fast, stop_on_signals};

/// Report format of `ringside compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// The scores side by side.
    Text,
    /// `{"a": REPORT, "b": REPORT}`: each a full `simulate` report plus `settings` and
    /// `scores`.
    Json,
}

/// Arguments of `ringside compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, default_value = "default")]
    pub scenario: String,
    /// What side A changes in the scenario, `key=value[,key=value…]` (default: nothing).
    ///
    /// Keys: `ring`, `limiter`, `breaker`, `retry` (the algorithm; the engine runs ring,
    /// token-bucket, consecutive and fixed so far), `vnodes`, `replicas`, `capacity`,
    /// `refill`, `failure_threshold`, `recovery_timeout`, `retries`.
    #[arg(long, default_value = "", value_parser = parse_settings)]
    pub a: Settings,
    /// What side B changes in the scenario (same keys as `--a`), e.g. `vnodes=8` (default:
    /// the scenario's own `compare`, for comparison stories).
    #[arg(long, value_parser = parse_settings)]
    pub b: Option<Settings>,
    /// Virtual time to simulate, e.g. `60s`, `2m` (default: the scenario's).
    #[arg(long, value_parser = parse_duration_arg)]
    pub duration: Option<u64>,
    /// RNG seed (default: the scenario's); both sides use it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Text)]
    pub format: CompareFormat,
}

/// Side B's settings: those given, else the scenario's own `compare` (`None`: neither).
pub fn side_b(given: Option<Settings>, scenario: &Scenario) -> anyhow::Result<Option<Settings>> {
    match (given, &scenario.compare) {
        (Some(b), _) => Ok(Some(b)),
        (None, Some(text)) => Settings::parse(text)
            .map(Some)
            .context("the scenario's compare setting"),
        (None, None) => Ok(None),
    }
}

/// Parse `--a`, `--b` or `--compare` settings, with the settings' own error message.
pub fn parse_settings(text: &str) -> Result<Settings, String> {
    Settings::parse(text).map_err(|e| e.to_string())
}

/// Run `ringside compare`; returns the exit code: 0, or 128 + n when signal n stopped it.
pub fn run(args: CompareArgs) -> anyhow::Result<u8> {
    let interrupt = Interrupt::default();
    let signal = stop_on_signals(&interrupt)?;
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let duration = args.duration.unwrap_or(scenario.duration_ns);
    let b = side_b(args.b, &scenario)?.context(
        "--b: what side B changes is needed (e.g. --b vnodes=8); this scenario names none",
    )?;
    let mut sides = Vec::with_capacity(2);
    for (name, settings) in [("a", &args.a), ("b", &b)] {
        let setup = Instant::now();
        let mut engine = side_engine(name, &scenario, settings, args.seed, interrupt.clone())?;
        let setup_s = setup.elapsed().as_secs_f64();
        // Measured once at the start, on this side's own structure.
        let lookup_ns = measure_lookup_ns(&engine);
        let started = Instant::now();
        run_fast(&mut engine, duration, &interrupt);
        if interrupt.is_stopped() {
            let n = 128 + signal.load(Ordering::Relaxed);
            return Ok(u8::try_from(n).unwrap_or(u8::MAX));
        }
        let report = Report::build(&engine, setup_s, started.elapsed().as_secs_f64());
        let scores = Scores {
            lookup_ns,
            ..Scores::of(&engine)
        };
        sides.push(Side {
            settings: settings.to_string(),
            report,
            scores,
        });
    }
    let b = sides.pop().context("side b")?;
    let a = sides.pop().context("side a")?;
    let report = CompareReport { a, b };
    let out = match args.format {
        CompareFormat::Text => report.to_text(),
        CompareFormat::Json => report.to_json() + "\n",
    };
    super::scenario_cmd::write_stdout(out).map(|()| 0)
}
