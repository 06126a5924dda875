//! Crash reports: when the dashboard panics, the terminal is restored first (see
//! [`terminal`](super::terminal)), then the panic message, its location and a backtrace are
//! written to a file and its path printed, so that a crash on stage leaves a usable shell
//! and the details for later. Reports go to the user's state directory
//! (`$XDG_STATE_HOME/ringside`, else `~/.local/state/ringside`), private (0700, files
//! 0600); never to a shared, predictable temporary directory.

use std::ffi::OsString;
use std::fs::{DirBuilder, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::{
    DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _,
};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where crash reports go, from the environment: see [`state_dir_in`]; `None` when
/// neither `XDG_STATE_HOME` nor `HOME` is usable (then [`report_dir`] makes a fresh
/// private temporary directory).
pub fn crash_dir() -> Option<PathBuf> {
    state_dir_in(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

/// The user's state directory for ringside, per the XDG base directory specification:
/// `$XDG_STATE_HOME/ringside` when that is an absolute path, else
/// `$HOME/.local/state/ringside` when `HOME` is absolute, else `None`. Never a shared,
/// predictable place such as `/tmp/ringside`.
pub fn state_dir_in(xdg_state_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    absolute(xdg_state_home)
        .or_else(|| absolute(home).map(|h| h.join(".local/state")))
        .map(|p| p.join("ringside"))
}

/// What to do with an existing directory before writing a private file in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirCheck {
    /// Ours and closed to others: use it.
    Private,
    /// Ours but open to the group or the world: make it 0700, then use it.
    Repair,
    /// Someone else's: refuse it.
    Foreign,
}

/// Judge a directory owned by `owner` with permission bits `mode`, for the user `me`.
pub fn judge_dir(owner: u32, mode: u32, me: u32) -> DirCheck {
    if owner != me {
        DirCheck::Foreign
    } else if mode & 0o077 != 0 {
        DirCheck::Repair
    } else {
        DirCheck::Private
    }
}

/// Create `dir` (and missing parents) with mode 0700, or check an existing one: a real
/// directory (not a symlink) owned by this user; group or world access is removed.
/// Refuses someone else's directory.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = dir.symlink_metadata()?;
    if !meta.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory (a symlink?)",
            dir.display()
        )));
    }
    let me = rustix::process::geteuid().as_raw();
    match judge_dir(meta.uid(), meta.mode(), me) {
        DirCheck::Private => Ok(()),
        DirCheck::Repair => std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)),
        DirCheck::Foreign => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} belongs to another user", dir.display()),
        )),
    }
}

/// The directory for a crash report: the user's state directory ([`crash_dir`]) made
/// private, or, when there is none or it is refused, a fresh private (0700) temporary
/// directory that is kept.
pub fn report_dir() -> io::Result<PathBuf> {
    if let Some(dir) = crash_dir()
        && ensure_private_dir(&dir).is_ok()
    {
        return Ok(dir);
    }
    fresh_private_temp_dir()
}

/// A new directory (mode 0700, unpredictable name) under the temporary directory, kept
/// after use.
pub fn fresh_private_temp_dir() -> io::Result<PathBuf> {
    Ok(tempfile::Builder::new()
        .prefix("ringside-crash-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()?
        .keep())
}

/// The text of a crash report.
pub fn report_text(message: &str, location: &str, thread: &str, backtrace: &str) -> String {
    format!(
        "ringside {} crashed\n\nmessage:  {message}\nlocation: {location}\nthread:   {thread}\n\nbacktrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Write `text` to a new `crash-<unix seconds>-<pid>.txt` (mode 0600) in `dir`, which is
/// created or checked private first ([`ensure_private_dir`]).
pub fn write_report(dir: &Path, text: &str) -> io::Result<PathBuf> {
    ensure_private_dir(dir)?;
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = dir.join(format!("crash-{secs}-{}.txt", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(text.as_bytes())?;
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
        &report_dir()?,
        &report_text(&message, &location, thread, &backtrace),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_holds_message_location_and_backtrace() {
        let home = tempfile::tempdir().unwrap();
        let dir = state_dir_in(None, Some(home.path().into())).unwrap();
        let text = report_text("boom", "src/x.rs:1:2", "main", "0: frame");
        let path = write_report(&dir, &text).unwrap();
        let back = std::fs::read_to_string(&path).unwrap();
        assert!(back.contains("message:  boom"));
        assert!(back.contains("location: src/x.rs:1:2"));
        assert!(back.contains("backtrace:\n0: frame"));
        let mode = |p: &Path| p.metadata().unwrap().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "the report is private");
        assert_eq!(mode(&dir), 0o700, "its directory is private");
    }

    #[test]
    fn the_state_dir_follows_xdg_then_home_never_a_shared_tmp() {
        let home = tempfile::tempdir().unwrap();
        let h = || Some(OsString::from(home.path()));
        assert_eq!(
            state_dir_in(Some("/state".into()), h()),
            Some(PathBuf::from("/state/ringside"))
        );
        let under_home = home.path().join(".local/state/ringside");
        assert_eq!(state_dir_in(None, h()), Some(under_home.clone()));
        assert_eq!(state_dir_in(Some("relative".into()), h()), Some(under_home));
        assert_eq!(state_dir_in(None, None), None);
        assert_eq!(state_dir_in(Some("".into()), Some("rel".into())), None);
    }

    #[test]
    fn directories_are_created_private_repaired_or_refused() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".local/state/ringside");
        ensure_private_dir(&dir).unwrap();
        let mode = |p: &Path| p.metadata().unwrap().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "a world-writable directory is repaired");
        // A symlink in its place is refused.
        let link = home.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(ensure_private_dir(&link).is_err());
        // Someone else's directory is refused (judged; chowning needs root).
        assert_eq!(judge_dir(1000, 0o700, 1000), DirCheck::Private);
        assert_eq!(judge_dir(1000, 0o770, 1000), DirCheck::Repair);
        assert_eq!(judge_dir(1000, 0o702, 1000), DirCheck::Repair);
        assert_eq!(judge_dir(0, 0o700, 1000), DirCheck::Foreign);
        if rustix::process::geteuid().is_root() {
            let foreign = home.path().join("foreign");
            std::fs::create_dir(&foreign).unwrap();
            std::os::unix::fs::chown(&foreign, Some(65534), None).unwrap();
            let err = ensure_private_dir(&foreign).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        }
    }

    #[test]
    fn without_a_state_dir_reports_go_to_a_fresh_private_temp_dir() {
        let (a, b) = (
            fresh_private_temp_dir().unwrap(),
            fresh_private_temp_dir().unwrap(),
        );
        assert_ne!(a, b, "a fresh name each time");
        for dir in [a, b] {
            assert_eq!(dir.metadata().unwrap().mode() & 0o777, 0o700);
            write_report(&dir, "x").unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
