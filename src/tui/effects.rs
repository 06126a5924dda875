//! Effects executed on the runner side: writing the session as a scenario file (`w`,
//! `--save-scenario`). Key handling only asks for them (see
//! [`input::Effect`](super::input::Effect)); this is where the file I/O happens.

use std::path::{Path, PathBuf};

use super::error::Error;
use crate::sim::SessionLog;

/// Where `w` writes the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveTo {
    /// This file (`--save-scenario FILE`), overwritten on each save.
    File(PathBuf),
    /// A new `ringside-session-<scenario>[-N].toml` in this directory on each save.
    Dir(PathBuf),
}

impl SaveTo {
    /// The file the next save of `scenario`'s session goes to.
    pub fn path(&self, scenario: &str) -> PathBuf {
        match self {
            SaveTo::File(path) => path.clone(),
            SaveTo::Dir(dir) => default_session_path(dir, scenario),
        }
    }
}

/// Where `w` saves the session without `--save-scenario`: `ringside-session-<scenario>.toml`
/// in `dir`, numbered (`-2`, `-3`, …) so that an earlier save is never overwritten.
pub fn default_session_path(dir: &Path, scenario: &str) -> PathBuf {
    let stem: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut path = dir.join(format!("ringside-session-{stem}.toml"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("ringside-session-{stem}-{n}.toml"));
        n += 1;
    }
    path
}

/// Whether `path` can be opened for writing (created if missing, never truncated); a file
/// this creates is removed again, so the check leaves no trace.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    let existed = path.symlink_metadata().is_ok();
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    if !existed {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

/// Write `session` as a scenario file at `path`; returns the number of live commands it
/// holds.
pub fn save_session(session: &SessionLog, path: &Path) -> Result<usize, Error> {
    let text = session.to_toml()?;
    std::fs::write(path, text).map_err(|error| Error::WriteSession {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(session.entries.len())
}

/// Execute [`Effect::SaveSession`](super::input::Effect::SaveSession): save `session`
/// where `to` says; returns the acknowledgement for the event log and whether it reports a
/// failure.
pub fn save_and_acknowledge(session: &SessionLog, to: Option<&SaveTo>) -> (String, bool) {
    let Some(to) = to else {
        return ("saving is off here".into(), true);
    };
    let path = to.path(&session.scenario.name);
    match save_session(session, &path) {
        Ok(n) => (
            format!("session ({n} live command(s)) saved to {}", path.display()),
            false,
        ),
        Err(e) => (format!("cannot save the session: {e}"), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_writable_leaves_no_trace_and_refuses_bad_paths() {
        let dir = std::env::temp_dir().join(format!("ringside-writable-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("new.toml");
        check_writable(&fresh).unwrap();
        assert!(!fresh.exists(), "the check removes what it created");
        let kept = dir.join("kept.toml");
        std::fs::write(&kept, "old").unwrap();
        check_writable(&kept).unwrap();
        assert_eq!(
            std::fs::read_to_string(&kept).unwrap(),
            "old",
            "not truncated"
        );
        assert!(check_writable(&dir.join("missing/x.toml")).is_err());
        assert!(check_writable(&dir).is_err(), "a directory");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn default_session_path_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("ringside-effects-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = default_session_path(&dir, "tour/../x");
        assert_eq!(
            first.file_name().unwrap(),
            "ringside-session-tour----x.toml"
        );
        std::fs::write(&first, "").unwrap();
        let second = default_session_path(&dir, "tour/../x");
        assert_ne!(first, second);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
