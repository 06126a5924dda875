//! ringside binary: parse the command line, pick a mode, run it.

mod cli;

use clap::Parser;
use cli::{Cli, Command};
use ringside::report::escape::escape_controls;

use std::process::ExitCode;

/// Exit codes: 0, 1 for an error, 128 + n after signal n ended the dashboard or `simulate`.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Ring(args)) => cli::ring::run(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Limit(args)) => cli::limit::run(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Simulate(args)) => cli::simulate::run(args).map(ExitCode::from),
        Some(Command::Compare(args)) => cli::compare::run(args).map(ExitCode::from),
        Some(Command::Scenarios) => cli::scenario_cmd::list().map(|()| ExitCode::SUCCESS),
        Some(Command::Check { path }) => {
            cli::scenario_cmd::check(&path).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Frame(args)) => cli::frame::run(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Clip(args)) => cli::clip::run(args).map(|()| ExitCode::SUCCESS),
        Some(Command::Slides(args)) => cli::slides::run(args).map(|()| ExitCode::SUCCESS),
        None => cli::dashboard::run(cli.dashboard).map(|exit| ExitCode::from(exit.code())),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // Errors quote user strings (names, paths, values): no control characters.
            let message = format!("{err:#}");
            eprintln!("ringside: {}", escape_controls(&message));
            ExitCode::FAILURE
        }
    }
}
