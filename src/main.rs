//! ringside binary: parse the command line, pick a mode, run it.

mod cli;

use clap::Parser;
use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Ring(args)) => cli::ring::run(args),
        Some(Command::Simulate(args)) => cli::simulate::run(args),
        Some(Command::Scenarios) => cli::scenario_cmd::list(),
        Some(Command::Check { path }) => cli::scenario_cmd::check(&path),
        Some(Command::Frame(args)) => cli::frame::run(args),
        None => cli::dashboard::run(cli.dashboard),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ringside: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
