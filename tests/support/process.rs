//! Child processes with a time limit: a hung binary fails its test with a clear message
//! instead of hanging the suite.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use wait_timeout::ChildExt;

/// The limit for one run of the binary under test: generous, since the machine may be
/// loaded; reached only when something hangs.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `cmd` (stdin closed, stdout and stderr captured) and returns its output; kills it
/// and panics, showing what it printed, when it runs longer than `limit`.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    output_from(cmd, Stdio::null(), limit)
}

/// [`output_within`] with `stdin` as the child's standard input.
pub fn output_from(cmd: &mut Command, stdin: Stdio, limit: Duration) -> Output {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    // Drain both pipes while waiting, so a child filling a pipe cannot block.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = child
        .wait_timeout(limit)
        .unwrap_or_else(|e| panic!("cannot wait for {what}: {e}"));
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        let (out, err) = (collect(stdout), collect(stderr));
        panic!(
            "{what} did not finish within {limit:?} and was killed\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        );
    };
    Output {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// [`output_within`] with [`CHILD_TIMEOUT`].
pub fn output(cmd: &mut Command) -> Output {
    output_within(cmd, CHILD_TIMEOUT)
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

fn collect(reader: JoinHandle<Vec<u8>>) -> Vec<u8> {
    reader.join().expect("pipe reader")
}
