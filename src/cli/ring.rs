//! `ringside ring`: owner lookups from the command line.
//!
//! Keys come from the arguments or, when there are none, from stdin, one per line.
//! A line ends at `\n`; one trailing `\r` is dropped (CRLF input). Every line is a key,
//! so an empty line is the empty key (it has an owner like any other); only the end of
//! input after a final newline does not make an extra key. Keys are raw bytes (no UTF-8
//! requirement) and are echoed as given; a key containing a TAB makes the line ambiguous.
//!
//! Output, one line per key: `key TAB owner`, and with `--replicas N` the next distinct
//! owners clockwise, tab-separated, N owners in all (fewer when the ring has fewer servers).
//!
//! `--algorithm NAME` chooses how keys find servers (`ring` by default; the others are in
//! [`ringside::patterns::hashing`]); `bounded-load` places the keys in input order.
//!
//! `--balance` prints each server's exact share and the ring's balance instead, and
//! `--trace KEY` explains one key; their formats are in `ringside ring --help`.

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::{Context, bail};

use super::RingArgs;
use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
use ringside::patterns::ring::balance::Balance;
use ringside::patterns::ring::{HashRing, Position, hash_bytes, hash_many};

/// Run `ringside ring`.
pub fn run(args: RingArgs) -> anyhow::Result<()> {
    let replicas = match args.replicas {
        Some(0) => bail!("--replicas must be at least 1"),
        Some(n) => n,
        None => 1,
    };
    let algorithm: Algorithm = args.algorithm.parse().context("invalid --algorithm")?;
    let params = params(&args, algorithm)?;
    if algorithm != Algorithm::Ring && (args.balance || args.trace.is_some()) {
        bail!("--balance and --trace apply only to --algorithm ring");
    }
    let mut ring = Hashing::new(algorithm, &params, &args.servers).context("invalid --servers")?;

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = if let (true, Some(ring)) = (args.balance, ring.ring()) {
        write_balance(ring, &mut out)
            .and_then(|()| out.flush())
            .map_err(Failed::Write)
    } else if let (Some(key), Some(ring)) = (&args.trace, ring.ring()) {
        write_trace(ring, replicas, key.as_bytes(), &mut out)
            .and_then(|()| out.flush())
            .map_err(Failed::Write)
    } else if args.keys.is_empty() {
        let stdin = io::stdin();
        lookup_lines(&mut ring, replicas, stdin.lock(), &mut out)
    } else {
        let mut hashes = Vec::with_capacity(args.keys.len());
        hash_many(args.keys.iter().map(|k| k.as_bytes()), &mut hashes);
        args.keys
            .iter()
            .zip(hashes)
            .try_for_each(|(key, hash)| {
                write_line(&mut ring, replicas, key.as_bytes(), hash, &mut out)
            })
            .and_then(|()| out.flush())
            .map_err(Failed::Write)
    };
    match result {
        // The reader went away (e.g. `| head`): stop quietly, nothing is wrong.
        Err(Failed::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(Failed::Write(e)) => Err(e).context("writing output"),
        Err(Failed::Read(e)) => Err(e).context("reading keys from stdin"),
        Ok(()) => Ok(()),
    }
}

/// The parameters of `algorithm` from the flags, refusing a flag it does not read and a
/// bad value of one it does.
fn params(args: &RingArgs, algorithm: Algorithm) -> anyhow::Result<Params> {
    let mut params = Params {
        vnodes: args.vnodes,
        ..Params::default()
    };
    let flags = [
        ("--table-size", args.table_size.is_some(), Algorithm::Maglev),
        ("--probes", args.probes.is_some(), Algorithm::MultiProbe),
        (
            "--balance-factor",
            args.balance_factor.is_some(),
            Algorithm::BoundedLoad,
        ),
    ];
    for (flag, given, owner) in flags {
        if given && algorithm != owner {
            bail!("{flag} applies only to --algorithm {owner}, not {algorithm}");
        }
    }
    params.table_size = args.table_size.unwrap_or(params.table_size);
    params.probes = args.probes.unwrap_or(params.probes);
    params.balance_factor = args.balance_factor.unwrap_or(params.balance_factor);
    let flag = match algorithm {
        Algorithm::Maglev => "--table-size",
        Algorithm::MultiProbe => "--probes",
        Algorithm::BoundedLoad => "--vnodes or --balance-factor",
        _ => "--vnodes",
    };
    params
        .validate(algorithm)
        .with_context(|| format!("invalid {flag}"))?;
    Ok(params)
}

/// Which side of the lookup failed, so that the message blames the right one.
#[derive(Debug)]
enum Failed {
    /// Reading the keys (e.g. stdin is a directory).
    Read(io::Error),
    /// Writing the owners.
    Write(io::Error),
}

/// Keys hashed together at most (in MD5 lanes, [`hash_many`]).
const BATCH: usize = 64;

/// Look up every line of `input`, writing one output line each; lines are hashed
/// together, [`BATCH`] at a time (the output is buffered until the end anyway).
fn lookup_lines(
    ring: &mut Hashing,
    replicas: usize,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<(), Failed> {
    let mut lines: Vec<Vec<u8>> = vec![Vec::new(); BATCH];
    let mut hashes = Vec::with_capacity(BATCH);
    loop {
        let mut n = 0;
        while n < BATCH {
            let line = &mut lines[n];
            line.clear();
            if input.read_until(b'\n', line).map_err(Failed::Read)? == 0 {
                break;
            }
            n += 1;
        }
        if n == 0 {
            break;
        }
        let keys: Vec<&[u8]> = lines[..n].iter().map(|l| strip_newline(l)).collect();
        hashes.clear();
        hash_many(keys.iter().copied(), &mut hashes);
        for (key, &hash) in keys.iter().zip(&hashes) {
            write_line(ring, replicas, key, hash, out).map_err(Failed::Write)?;
        }
    }
    out.flush().map_err(Failed::Write)
}

/// `line` without its `\n` or `\r\n`.
fn strip_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `key TAB owner [TAB owner…]`.
fn write_line(
    ring: &mut Hashing,
    replicas: usize,
    key: &[u8],
    hash: Position,
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(key)?;
    let mut owners = Vec::with_capacity(replicas);
    ring.owners(Key::hashed(key, hash), replicas, &mut owners);
    for owner in owners {
        out.write_all(b"\t")?;
        out.write_all(ring.servers()[owner].as_bytes())?;
    }
    out.write_all(b"\n")
}

/// Digits after the point of each `--balance` share.
const SHARE_DIGITS: usize = 20;

/// Digits after the point of `peak_to_mean` and `cv`.
const STAT_DIGITS: usize = 10;

/// `NAME TAB SHARE` per server, then `peak_to_mean TAB X` and `cv TAB Y`.
fn write_balance(ring: &HashRing, out: &mut impl Write) -> io::Result<()> {
    let balance = Balance::of(ring);
    for &(id, share) in balance.shares() {
        let name = ring.name(id).unwrap_or_default();
        writeln!(out, "{name}\t{share:.SHARE_DIGITS$}")?;
    }
    // The command line requires at least one server, so both are defined.
    let peak = balance.peak_to_mean().unwrap_or(0.0);
    let cv = balance.cv().unwrap_or(0.0);
    writeln!(out, "peak_to_mean\t{peak:.STAT_DIGITS$}")?;
    writeln!(out, "cv\t{cv:.STAT_DIGITS$}")
}

/// `position`, `owners`, `arc` and `vnode` lines for one key.
fn write_trace(
    ring: &HashRing,
    replicas: usize,
    key: &[u8],
    out: &mut impl Write,
) -> io::Result<()> {
    let Some(trace) = ring.trace_of_hash(hash_bytes(key), replicas) else {
        return Ok(());
    };
    let name = |id| ring.name(id).unwrap_or_default();
    writeln!(out, "position\t{:032x}", trace.position)?;
    out.write_all(b"owners")?;
    for &id in &trace.owners {
        write!(out, "\t{}", name(id))?;
    }
    let arc = trace.arc;
    writeln!(
        out,
        "\narc\t{:032x}\t{:032x}\t{}",
        arc.start,
        arc.end,
        name(arc.owner)
    )?;
    writeln!(out, "vnode\t{}:{}", name(arc.owner), arc.vnode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_empty_and_missing_final_newline() {
        let mut ring = Hashing::new(
            Algorithm::Ring,
            &Params::default(),
            ["server1", "server2", "server3"],
        )
        .unwrap();
        let mut out = Vec::new();
        lookup_lines(&mut ring, 1, &b"user123\r\n\nuser456"[..], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "user123\tserver2\n\tserver1\nuser456\tserver3\n"
        );
        let mut out = Vec::new();
        lookup_lines(&mut ring, 3, &b"session_def\n"[..], &mut out).unwrap();
        assert_eq!(out, b"session_def\tserver3\tserver1\tserver2\n");
    }

    #[test]
    fn trace_and_balance_lines() {
        let ring = HashRing::with_servers(150, ["server1", "server2", "server3"]).unwrap();
        let mut out = Vec::new();
        write_trace(&ring, 2, b"user123", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "position\t6ad14ba9986e3615423dfca256d04e3f");
        assert_eq!(lines[1], "owners\tserver2\tserver3");
        assert!(lines[2].starts_with("arc\t") && lines[2].ends_with("\tserver2"));
        assert!(lines[3].starts_with("vnode\tserver2:"));
        assert_eq!(lines.len(), 4);
        let mut out = Vec::new();
        write_balance(&ring, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let names: Vec<&str> = text
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(
            names,
            ["server1", "server2", "server3", "peak_to_mean", "cv"]
        );
    }
}
