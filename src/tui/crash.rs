//! Crash reports: when the dashboard panics, the terminal is restored first (see
//! [`terminal`](super::terminal)), then the panic message, its location and a backtrace are
//! written to a file and its path printed, so that a crash on stage leaves a usable shell
//! and the details for later.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where crash reports go: `$XDG_STATE_HOME/ringside` when that is set to an absolute
/// path, otherwise `ringside` under the temporary directory.
pub fn crash_dir() -> PathBuf {
    match std::env::var_os("XDG_STATE_HOME").map(PathBuf::from) {
        Some(p) if p.is_absolute() => p.join("ringside"),
        _ => std::env::temp_dir().join("ringside"),
    }
}

/// The text of a crash report.
pub fn report_text(message: &str, location: &str, thread: &str, backtrace: &str) -> String {
    format!(
        "ringside {} crashed\n\nmessage:  {message}\nlocation: {location}\nthread:   {thread}\n\nbacktrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Write `text` to a new `crash-<unix seconds>-<pid>.txt` in `dir` (created if needed).
pub fn write_report(dir: &Path, text: &str) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("crash-{secs}-{}.txt", std::process::id()));
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Build and write the report for a panic; returns where it went.
pub fn report_panic(info: &std::panic::PanicHookInfo<'_>) -> io::Result<PathBuf> {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".to_string());
    let location = info
        .location()
        .map_or_else(|| "unknown".to_string(), |l| l.to_string());
    let current = std::thread::current();
    let thread = current.name().unwrap_or("unnamed");
    let backtrace = std::backtrace::Backtrace::force_capture().to_string();
    write_report(
        &crash_dir(),
        &report_text(&message, &location, thread, &backtrace),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_holds_message_location_and_backtrace() {
        let dir = std::env::temp_dir().join(format!("ringside-crash-{}", std::process::id()));
        let text = report_text("boom", "src/x.rs:1:2", "main", "0: frame");
        let path = write_report(&dir, &text).unwrap();
        let back = std::fs::read_to_string(&path).unwrap();
        assert!(back.contains("message:  boom"));
        assert!(back.contains("location: src/x.rs:1:2"));
        assert!(back.contains("backtrace:\n0: frame"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
