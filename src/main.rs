//! ringside binary: parse the command line, pick a mode, run it.

use clap::Parser;
use ringside::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Ring(args)) => ringside::cli::ring::run(args),
        Some(Command::Simulate(args)) => ringside::cli::simulate::run(args),
        Some(Command::Scenarios) => ringside::cli::scenario_cmd::list(),
        Some(Command::Check { path }) => ringside::cli::scenario_cmd::check(&path),
        Some(Command::Frame(args)) => ringside::cli::frame::run(args),
        None => ringside::cli::dashboard::run(cli.dashboard),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ringside: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
