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

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::{Context, bail};

use super::RingArgs;
use ringside::patterns::ring::{HashRing, RingBuilder, hash_bytes};

/// Run `ringside ring`.
pub fn run(args: RingArgs) -> anyhow::Result<()> {
    let replicas = match args.replicas {
        Some(0) => bail!("--replicas must be at least 1"),
        Some(n) => n,
        None => 1,
    };
    let mut builder = RingBuilder::new(args.vnodes).context("invalid --vnodes")?;
    for server in &args.servers {
        builder.add(server).context("invalid --servers")?;
    }
    let ring = builder.build();

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = if args.keys.is_empty() {
        let stdin = io::stdin();
        lookup_lines(&ring, replicas, stdin.lock(), &mut out)
    } else {
        args.keys
            .iter()
            .try_for_each(|key| write_line(&ring, replicas, key.as_bytes(), &mut out))
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

/// Which side of the lookup failed, so that the message blames the right one.
#[derive(Debug)]
enum Failed {
    /// Reading the keys (e.g. stdin is a directory).
    Read(io::Error),
    /// Writing the owners.
    Write(io::Error),
}

/// Look up every line of `input`, writing one output line each.
fn lookup_lines(
    ring: &HashRing,
    replicas: usize,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> Result<(), Failed> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).map_err(Failed::Read)? == 0 {
            break;
        }
        let mut key = line.as_slice();
        if let Some(rest) = key.strip_suffix(b"\n") {
            key = rest;
        }
        if let Some(rest) = key.strip_suffix(b"\r") {
            key = rest;
        }
        write_line(ring, replicas, key, out).map_err(Failed::Write)?;
    }
    out.flush().map_err(Failed::Write)
}

/// `key TAB owner [TAB owner…]`.
fn write_line(
    ring: &HashRing,
    replicas: usize,
    key: &[u8],
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(key)?;
    for (_, name) in ring.owners_of_hash(hash_bytes(key), replicas) {
        out.write_all(b"\t")?;
        out.write_all(name.as_bytes())?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_crlf_empty_and_missing_final_newline() {
        let ring = HashRing::with_servers(150, ["server1", "server2", "server3"]).unwrap();
        let mut out = Vec::new();
        lookup_lines(&ring, 1, &b"user123\r\n\nuser456"[..], &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "user123\tserver2\n\tserver1\nuser456\tserver3\n"
        );
        let mut out = Vec::new();
        lookup_lines(&ring, 3, &b"session_def\n"[..], &mut out).unwrap();
        assert_eq!(out, b"session_def\tserver3\tserver1\tserver2\n");
    }
}
