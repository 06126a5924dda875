//! The command line: argument definitions and the wiring of each mode.
//! This layer only parses and wires; the work is done in `patterns`, `sim` and `tui`.

use clap::{Args, Parser, Subcommand};

pub mod ring;

/// ringside: a consistent-hash ring, token buckets and circuit breakers, live in your terminal.
#[derive(Debug, Parser)]
#[command(name = "ringside", version, about, long_about = None)]
pub struct Cli {
    /// Subcommand; without one, the live dashboard opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to run.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the owner of each key on a consistent-hash ring (keys from arguments or stdin).
    Ring(RingArgs),
}

/// Arguments of `ringside ring`.
#[derive(Debug, Args)]
pub struct RingArgs {
    /// Comma-separated server names, e.g. `a,b,c`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub servers: Vec<String>,
    /// Virtual nodes per server.
    #[arg(long, default_value_t = crate::patterns::ring::DEFAULT_VNODES)]
    pub vnodes: u32,
    /// Also print the next N-1 distinct owners clockwise (N owners in all).
    #[arg(long, value_name = "N")]
    pub replicas: Option<usize>,
    /// Keys to look up; when none are given, one key per line is read from stdin.
    pub keys: Vec<String>,
}
