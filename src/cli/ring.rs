//! `ringside ring`: owner lookups from the command line. STUB.

use super::RingArgs;

/// Run `ringside ring`.
pub fn run(args: RingArgs) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}
