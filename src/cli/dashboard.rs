//! Wiring of the live dashboard (the default mode): load the scenario, start the engine,
//! hand both to `tui`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::tui_args::ThemeArg;
use ringside::sim::compare::{Pair, Settings};
use ringside::sim::{BoxError, Command, Engine, Interrupt, Scenario, SimError};
use ringside::tui::Exit;
use ringside::tui::app::AppOptions;
use ringside::tui::runner::DEFAULT_FPS;
use ringside::tui::theme::Theme;

/// Options of the dashboard (top-level, used when no subcommand is given).
#[derive(Debug, Clone, Args)]
pub struct DashboardArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "default")]
    pub scenario: String,
    /// Seed of the simulation's RNG (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Frames per second at most.
    #[arg(long, default_value_t = DEFAULT_FPS, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub fps: u32,
    /// Colour theme (`NO_COLOR` forces no colours).
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Capture the mouse (click a legend row to select a server).
    #[arg(long)]
    pub mouse: bool,
    /// Presenter layout for talks: fewer, larger panels, a prominent caption, high
    /// contrast (readable on a projector at 100×30).
    #[arg(long)]
    pub present: bool,
    /// Start paused at t = 0, with what a talk opens on (the scenario's title, and any
    /// caption due at 0) on screen: space starts the clock, n goes to the first step.
    #[arg(long)]
    pub paused: bool,
    /// Start at this virtual time (e.g. `30s`), reached exactly as a jump to it: the same
    /// screen as `frame --at T`. For rehearsing one step; with `--paused`, held there.
    #[arg(long, value_name = "T", value_parser = super::frame::parse_at)]
    pub at: Option<u64>,
    /// Record the session as an asciicast v2 file (play it with `asciinema play FILE`).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,
    /// On exit, write this session (scenario, seed, every live command at its virtual
    /// time) as a scenario file that `--scenario FILE` replays exactly; `w` writes it too.
    #[arg(long, value_name = "FILE")]
    pub save_scenario: Option<PathBuf>,
    /// Compare designs: split the dashboard into side A (the scenario as written) and side
    /// B (the scenario with these settings, e.g. `vnodes=8` or `capacity=50,refill=20`: the
    /// keys of `ringside compare --b`), on the same seed and arrivals, with a scoreboard.
    /// A scenario with its own `compare` opens this way by itself.
    #[arg(long, value_name = "SETTINGS", value_parser = super::compare::parse_settings)]
    pub compare: Option<Settings>,
    /// Where the token buckets live.
    #[command(flatten)]
    pub limiter: super::limiter::LimiterArgs,
}

/// Run the dashboard; returns how it ended (a quit, or a signal: see
/// [`ringside::tui::signals`]).
pub fn run(args: DashboardArgs) -> anyhow::Result<Exit> {
    let talk = ringside::tui::TalkOptions {
        present: args.present,
        record: args.record,
        save_scenario: args.save_scenario,
    };
    // Before loading anything or connecting to Redis.
    ringside::tui::check_outputs(&talk)?;
    ringside::tui::terminal::require_tty()?;
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let (seed, limiter) = (args.seed, args.limiter);
    let start = Start {
        paused: args.paused,
        at: args.at,
    };
    let options = AppOptions { mouse: args.mouse };
    let theme = Theme::new(args.theme.into(), Theme::no_color_env());
    if let Some(b) = super::compare::side_b(args.compare, &scenario)? {
        if super::limiter::shared_url(&scenario, &limiter).is_some() {
            anyhow::bail!(
                "--compare runs both sides on the in-process limiter: drop --limiter (or the scenario's limiter.backend)"
            );
        }
        let build = move |interrupt: Interrupt| -> Result<Pair, BoxError> {
            let mut pair = Pair::new(&scenario, &Settings::default(), &b, seed, interrupt)?;
            pair.measure_lookups();
            start.apply(&mut pair)?;
            Ok(pair)
        };
        return Ok(ringside::tui::run(build, options, theme, args.fps, talk)?);
    }
    // On the engine thread, while the dashboard shows the build's progress.
    let build = move |interrupt: Interrupt| -> Result<Engine, BoxError> {
        let started = Engine::from_scenario_interruptible(&scenario, seed, interrupt)
            .context("starting the simulation")
            .and_then(|mut engine| {
                super::limiter::attach(&mut engine, &scenario, &limiter)?;
                start.apply(&mut engine)?;
                Ok(engine)
            });
        started.map_err(|e| format!("{e:#}").into())
    };
    Ok(ringside::tui::run(build, options, theme, args.fps, talk)?)
}

/// Where the dashboard starts (`--paused`, `--at`).
#[derive(Debug, Clone, Copy)]
struct Start {
    paused: bool,
    at: Option<u64>,
}

impl Start {
    /// Move a fresh engine to the start: a jump to `--at` (the engine's own
    /// [`Command::JumpTo`], so the screen is what a jump shows), then the events due at
    /// that instant, then the pause.
    fn apply(self, sim: &mut impl Startable) -> anyhow::Result<()> {
        if let Some(at) = self.at {
            sim.apply(Command::JumpTo(at))
                .context("--at: starting at that time")?;
        }
        if self.paused {
            // Whatever is due at the start (a caption at 0) is shown while paused.
            sim.advance(0);
            sim.apply(Command::Pause)
                .context("--paused: pausing at the start")?;
        }
        Ok(())
    }
}

/// What [`Start`] needs of a simulation: one engine, or both sides of a comparison.
trait Startable {
    fn apply(&mut self, command: Command) -> Result<(), SimError>;
    fn advance(&mut self, dt_ns: u64);
}

impl Startable for Engine {
    fn apply(&mut self, command: Command) -> Result<(), SimError> {
        Engine::apply(self, command)
    }
    fn advance(&mut self, dt_ns: u64) {
        Engine::advance(self, dt_ns);
    }
}

impl Startable for Pair {
    fn apply(&mut self, command: Command) -> Result<(), SimError> {
        Pair::apply(self, command)
    }
    fn advance(&mut self, dt_ns: u64) {
        Pair::advance(self, dt_ns);
    }
}
