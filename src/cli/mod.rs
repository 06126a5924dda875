//! The command line: argument definitions and the wiring of each mode.
//! This layer only parses and wires; the work is done in `patterns`, `sim` and `tui`.

use clap::{Args, Parser, Subcommand};

pub mod clip;
pub mod compare;
pub mod dashboard;
pub mod frame;
pub mod limit;
pub mod limiter;
pub mod ring;
pub mod scenario_cmd;
#[cfg(feature = "redis")]
mod shared_redis;
pub mod simulate;
pub mod slides;
pub mod tui_args;

/// ringside: a consistent-hash ring, token buckets and circuit breakers, live in your terminal.
#[derive(Debug, Parser)]
#[command(name = "ringside", version, about, long_about = None)]
pub struct Cli {
    /// Subcommand; without one, the live dashboard opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Dashboard options (used when no subcommand is given).
    #[command(flatten)]
    pub dashboard: dashboard::DashboardArgs,
}

/// What to run.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the owner of each key on a consistent-hash ring (keys from arguments or stdin), the
    /// ring's balance (`--balance`) or one key's trace (`--trace KEY`).
    Ring(RingArgs),
    /// Decide `T KEY` lines from stdin (T in ms, non-decreasing) with one rate-limiting
    /// algorithm, printing `T<TAB>KEY<TAB>allow|deny` for each.
    Limit(limit::LimitArgs),
    /// Run a scenario headless (as fast as possible) and print a report.
    Simulate(SimulateArgs),
    /// Run a scenario twice, as written (or with `--a`) and with `--b`, on the same seed and
    /// arrivals, and score the two designs side by side.
    Compare(compare::CompareArgs),
    /// List the shipped scenarios, one line each.
    Scenarios,
    /// Validate a scenario file and print a summary (non-zero exit with the located error).
    Check {
        /// Path to a scenario .toml file (or a shipped scenario name).
        path: String,
    },
    /// Render one dashboard frame headless at a virtual time, as text, SVG or HTML (slides).
    Frame(frame::FrameArgs),
    /// Write an animated GIF of a run (from, to, frames per second), looping.
    Clip(clip::ClipArgs),
    /// Write a self-contained HTML slide deck: one slide per scripted step (backup deck).
    Slides(slides::SlidesArgs),
}

/// Report format of `ringside simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Text,
    /// JSON (stable field order).
    Json,
    /// The per-second series as CSV: a header line, then one row per simulated second.
    Csv,
}

/// Arguments of `ringside simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, default_value = "default")]
    pub scenario: String,
    /// Virtual time to simulate, e.g. `60s`, `2m`, `500ms` (default: the scenario's).
    #[arg(long, value_parser = simulate::parse_duration_arg)]
    pub duration: Option<u64>,
    /// RNG seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Offered traffic in requests per second, overriding the scenario's.
    #[arg(long, value_parser = simulate::parse_rate_arg, allow_hyphen_values = true)]
    pub rate: Option<f64>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Run in real time instead of as fast as possible.
    #[arg(long)]
    pub realtime: bool,
    /// Where the token buckets live.
    #[command(flatten)]
    pub limiter: limiter::LimiterArgs,
}

/// Arguments of `ringside ring`.
#[derive(Debug, Args)]
pub struct RingArgs {
    /// Comma-separated server names, e.g. `a,b,c`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub servers: Vec<String>,
    /// Virtual nodes per server (`ring`, `bounded-load`).
    #[arg(long, default_value_t = ringside::patterns::ring::DEFAULT_VNODES)]
    pub vnodes: u32,
    /// How keys find their servers: ring, jump, rendezvous, maglev, multi-probe or
    /// bounded-load (see `ringside::patterns::hashing`).
    #[arg(long, value_name = "NAME", default_value = "ring")]
    pub algorithm: String,
    /// Maglev's lookup table size M, a prime [default: 65537] (`maglev` only).
    #[arg(long, value_name = "M")]
    pub table_size: Option<u64>,
    /// Probes per key K [default: 21] (`multi-probe` only).
    #[arg(long, value_name = "K")]
    pub probes: Option<u32>,
    /// Balance factor ε: no server holds more than ceil((1 + ε) × mean) keys [default:
    /// 0.25] (`bounded-load` only; keys are placed in input order).
    #[arg(long, value_name = "EPS")]
    pub balance_factor: Option<f64>,
    /// Also print the next N-1 distinct owners clockwise (N owners in all).
    #[arg(long, value_name = "N")]
    pub replicas: Option<usize>,
    /// Print each server's exact share of the hash space and the ring's balance.
    ///
    /// Tab-separated lines:
    ///   NAME<TAB>SHARE        one per server, sorted by name: its exact share of the 2^128
    ///                         hash space (the arcs its virtual nodes own), 20 digits after
    ///                         the point, truncated (never rounded up: never sums above 1)
    ///   peak_to_mean<TAB>X    the largest share times the number of servers (1: even)
    ///   cv<TAB>Y              coefficient of variation of the shares: the population
    ///                         standard deviation over the mean share 1/N (0: even)
    #[arg(
        long,
        verbatim_doc_comment,
        conflicts_with_all = ["keys", "replicas", "trace"]
    )]
    pub balance: bool,
    /// Explain where KEY goes: its position, its owners and the arc it falls in.
    ///
    /// Tab-separated lines; positions are 32 lowercase hex digits (MD5, big-endian):
    ///   position<TAB>HEX                 the key's position
    ///   owners<TAB>NAME...               its N distinct owners in order (N = --replicas,
    ///                                    default 1), as `ring --replicas N KEY` prints them
    ///   arc<TAB>START<TAB>END<TAB>OWNER  the arc it falls in, clockwise from the point
    ///                                    before (inclusive) to the owning point (exclusive);
    ///                                    it wraps past zero when END <= START, and
    ///                                    START = END is the whole circle
    ///   vnode<TAB>OWNER:I                the owning point's virtual node label (END is
    ///                                    the MD5 of it)
    #[arg(
        long,
        value_name = "KEY",
        verbatim_doc_comment,
        conflicts_with = "keys"
    )]
    pub trace: Option<String>,
    /// Keys to look up; when none are given, one key per line is read from stdin.
    pub keys: Vec<String>,
}
