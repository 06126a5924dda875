//! `ringside limit`: decide a trace of requests with one rate-limiting algorithm.
//!
//! Input, one request a line: `T KEY`, `T` a whole number of milliseconds (never
//! decreasing from line to line) and `KEY` one word (no spaces), separated by spaces or
//! tabs; one trailing `\r` is dropped and blank lines are skipped. Output, one line per
//! request: `T<TAB>KEY<TAB>allow|deny`. A malformed line or a decreasing time stops with
//! an error naming the line (the decisions before it are printed), exit status 1.

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::{Context, bail};
use clap::Args;

use ringside::patterns::Nanos;
use ringside::patterns::limiter::BucketConfig;
use ringside::patterns::window::{Algorithm, Limiter, WindowConfig};

/// Arguments of `ringside limit`.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// token-bucket, fixed-window, sliding-log or sliding-window (adaptive-throttling and
    /// concurrency run in the simulation only).
    #[arg(long, value_name = "NAME")]
    pub algorithm: Algorithm,
    /// token-bucket: the bucket's size (burst); each key starts full.
    #[arg(long, value_name = "C")]
    pub capacity: Option<u32>,
    /// token-bucket: tokens added per second, continuously.
    #[arg(long, value_name = "R")]
    pub refill: Option<f64>,
    /// Windows: requests allowed per window and key.
    #[arg(long, value_name = "L")]
    pub limit: Option<u32>,
    /// Windows: the window's length in milliseconds.
    #[arg(long, value_name = "W")]
    pub window: Option<u64>,
}

/// Memory, on any input: token-bucket keeps one bucket per key not yet refilled; the
/// windows keep per key O(1) counters (sliding-log: at most L times), and only for keys
/// with an allowed request in the last window (two windows for sliding-window), twice
/// that at most between sweeps. Lines are read one at a time.
pub fn run(args: LimitArgs) -> anyhow::Result<()> {
    let limiter = build(&args)?;
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match decide_lines(limiter, stdin.lock(), &mut out) {
        Err(Failed::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(Failed::Write(e)) => Err(e).context("writing decisions"),
        Err(Failed::Input(e)) => {
            // Show what was decided before the bad line, then the error.
            let _ = out.flush();
            Err(e)
        }
        Ok(()) => Ok(()),
    }
}

/// The limiter the flags describe, or which flag is missing or does not apply.
fn build(args: &LimitArgs) -> anyhow::Result<Limiter<String>> {
    let name = args.algorithm;
    if name.is_engine_only() {
        bail!(
            "{name} runs in the simulation only ([limiter] algorithm = \"{name}\" in a \
             scenario): it decides a send time or learns from the backend's answers, more \
             than allow or deny on a stream of requests"
        );
    }
    let (wanted, unwanted) = if name.is_windowed() {
        (
            "--limit L --window W",
            [
                ("--capacity", args.capacity.is_some()),
                ("--refill", args.refill.is_some()),
            ],
        )
    } else {
        (
            "--capacity C --refill R",
            [
                ("--limit", args.limit.is_some()),
                ("--window", args.window.is_some()),
            ],
        )
    };
    if let Some((flag, _)) = unwanted.iter().find(|(_, given)| *given) {
        bail!("{flag} does not apply to {name} (it takes {wanted})");
    }
    if name.is_windowed() {
        let (Some(limit), Some(window)) = (args.limit, args.window) else {
            bail!("{name} needs {wanted}");
        };
        let window = millis(window).context("--window is too long")?;
        let config = WindowConfig::new(limit, window).context("invalid --limit/--window")?;
        Ok(Limiter::windowed(name, config).expect("a windowed algorithm"))
    } else {
        let (Some(capacity), Some(refill)) = (args.capacity, args.refill) else {
            bail!("{name} needs {wanted}");
        };
        let config = BucketConfig::new(capacity, refill).context("invalid --capacity/--refill")?;
        Ok(Limiter::token_bucket(config))
    }
}

/// `ms` milliseconds, unless that overflows 64-bit nanoseconds (584 years).
fn millis(ms: u64) -> Option<Nanos> {
    ms.checked_mul(1_000_000).map(Nanos::from_nanos)
}

/// Which side failed, so that the message blames the right one.
#[derive(Debug)]
enum Failed {
    /// The input: unreadable, malformed or out of order.
    Input(anyhow::Error),
    /// Writing the decisions.
    Write(io::Error),
}

/// Decide every request of `input`, writing one line each.
fn decide_lines(
    mut limiter: Limiter<String>,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<(), Failed> {
    let mut line = Vec::new();
    let mut previous = 0u64;
    for number in 1.. {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .context("reading requests from stdin")
            .map_err(Failed::Input)?;
        if read == 0 {
            break;
        }
        let located = |e: anyhow::Error| Failed::Input(e.context(format!("stdin line {number}")));
        let Some((t, key)) = parse(&line).map_err(located)? else {
            continue;
        };
        if t < previous {
            return Err(located(anyhow::anyhow!(
                "time {t} ms is earlier than the previous request's {previous} ms (times must not decrease)"
            )));
        }
        previous = t;
        let now = millis(t).ok_or_else(|| located(anyhow::anyhow!("time {t} ms is too large")))?;
        let verdict = if limiter.allows(key, now) {
            "allow"
        } else {
            "deny"
        };
        writeln!(out, "{t}\t{key}\t{verdict}").map_err(Failed::Write)?;
    }
    out.flush().map_err(Failed::Write)
}

/// One line as `(T, KEY)`, `None` when blank.
fn parse(line: &[u8]) -> anyhow::Result<Option<(u64, &str)>> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).context("not UTF-8")?;
    let mut words = text.split_ascii_whitespace();
    let (t, key) = match (words.next(), words.next(), words.next()) {
        (None, _, _) => return Ok(None),
        (Some(t), Some(key), None) => (t, key),
        _ => bail!("expected `T KEY` (milliseconds, then one word), got \"{text}\""),
    };
    let t = t
        .parse::<u64>()
        .with_context(|| format!("T must be a whole number of milliseconds, got \"{t}\""))?;
    Ok(Some((t, key)))
}
