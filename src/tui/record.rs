//! `--record FILE.cast`: an asciicast v2 recording of the dashboard, playable by standard
//! players (`asciinema play`, asciinema-player).
//!
//! The format: a header line, a JSON object `{"version": 2, "width", "height", "timestamp",
//! "env"}`, then one line per output event, `[seconds, "o", "data"]`, with non-decreasing
//! times. [`Tee`] sits between the ratatui backend and the terminal: every byte written to
//! the terminal is also kept, and at each flush (one per frame) the frame's bytes become one
//! event.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Writes an asciicast v2 stream.
#[derive(Debug)]
pub struct CastWriter<W: Write> {
    out: W,
    started: Instant,
    last: f64,
}

impl<W: Write> CastWriter<W> {
    /// Start a recording of a `width`×`height` terminal: writes the header line.
    /// `timestamp` is the Unix time of the start; `env` is e.g. `TERM` and `SHELL`.
    pub fn new(
        mut out: W,
        width: u16,
        height: u16,
        timestamp: u64,
        env: &[(&str, String)],
    ) -> io::Result<Self> {
        let env: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| ((*k).to_string(), serde_json::Value::String(v.clone())))
            .collect();
        let header = serde_json::json!({
            "version": 2,
            "width": width,
            "height": height,
            "timestamp": timestamp,
            "env": env,
        });
        writeln!(out, "{header}")?;
        Ok(Self {
            out,
            started: Instant::now(),
            last: 0.0,
        })
    }

    /// Append an output event with `data` at the time elapsed since the start (times
    /// never go backwards; microsecond resolution).
    pub fn output(&mut self, data: &str) -> io::Result<()> {
        let t = self.started.elapsed().as_secs_f64();
        self.output_at(t, data)
    }

    /// Append an output event at `t` seconds (clamped so times never decrease).
    pub fn output_at(&mut self, t: f64, data: &str) -> io::Result<()> {
        let t = ((t.max(self.last)) * 1e6).round() / 1e6;
        self.last = t;
        let data = serde_json::Value::String(data.to_string());
        writeln!(self.out, "[{t:.6}, \"o\", {data}]")
    }

    /// Flush the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A recording to a file.
pub type FileCast = CastWriter<BufWriter<File>>;

/// Create `path` and start a recording of a `width`×`height` terminal, with the current
/// time and the `TERM` and `SHELL` environment variables in the header. The header is
/// flushed at once, so a file that takes no writes (e.g. `/proc/version`) fails here.
pub fn create(path: &Path, width: u16, height: u16) -> io::Result<FileCast> {
    let file = File::create(path)?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let env: Vec<(&str, String)> = ["TERM", "SHELL"]
        .into_iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k, v)))
        .collect();
    let mut cast = CastWriter::new(BufWriter::new(file), width, height, timestamp, &env)?;
    cast.flush()?;
    Ok(cast)
}

#[derive(Debug, Default)]
struct Recording {
    cast: Option<FileCast>,
    pending: Vec<u8>,
    error: Option<io::Error>,
}

impl Recording {
    fn emit(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        if let Some(cast) = &mut self.cast {
            let data = String::from_utf8_lossy(&self.pending);
            if let Err(e) = cast.output(&data) {
                self.error = Some(e);
                self.cast = None;
            }
        }
        self.pending.clear();
    }
}

/// A running recording, shared by the [`Tee`] that feeds it and whoever stops it.
#[derive(Debug, Clone)]
pub struct Recorder(Arc<Mutex<Recording>>);

impl Recorder {
    /// Record into `cast`.
    pub fn new(cast: FileCast) -> Self {
        Self(Arc::new(Mutex::new(Recording {
            cast: Some(cast),
            ..Recording::default()
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Recording> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the recording is still running.
    pub fn recording(&self) -> bool {
        self.lock().cast.is_some()
    }

    /// Stop recording: write what is pending and flush the file; returns the first
    /// recording error, if any.
    pub fn finish(&self) -> io::Result<()> {
        let mut r = self.lock();
        r.emit();
        if let Some(mut cast) = r.cast.take()
            && let Err(e) = cast.flush()
        {
            r.error.get_or_insert(e);
        }
        match r.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A writer that passes everything to `inner` and, when recording, also turns what was
/// written between two flushes (one frame) into one asciicast output event. A failing
/// recording never disturbs the terminal: it stops, and [`Recorder::finish`] reports it.
#[derive(Debug)]
pub struct Tee<W: Write> {
    inner: W,
    recorder: Option<Recorder>,
}

impl<W: Write> Tee<W> {
    /// Pass-through to `inner`, feeding `recorder` if given.
    pub fn new(inner: W, recorder: Option<Recorder>) -> Self {
        Self { inner, recorder }
    }
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(r) = &self.recorder {
            let mut r = r.lock();
            if r.cast.is_some() {
                r.pending.extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(r) = &self.recorder {
            r.lock().emit();
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_events_with_escaped_data() {
        let mut out = Vec::new();
        let mut w = CastWriter::new(&mut out, 100, 30, 7, &[("TERM", "xterm".into())]).unwrap();
        w.output_at(0.5, "a\u{1b}[1mb\"\n").unwrap();
        w.output_at(0.25, "later but clamped").unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let header: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(header["version"], 2);
        assert_eq!(header["width"], 100);
        assert_eq!(header["env"]["TERM"], "xterm");
        let e: (f64, String, String) = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(e, (0.5, "o".into(), "a\u{1b}[1mb\"\n".into()));
        let e: (f64, String, String) = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(e.0, 0.5, "times never decrease");
    }

    #[test]
    fn tee_passes_through_and_records_one_event_per_flush() {
        let dir = std::env::temp_dir().join(format!("ringside-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.cast");
        let mut screen = Vec::new();
        {
            let rec = Recorder::new(create(&path, 80, 24).unwrap());
            let mut tee = Tee::new(&mut screen, Some(rec.clone()));
            tee.write_all(b"hel").unwrap();
            tee.write_all("lo ✓".as_bytes()).unwrap();
            tee.flush().unwrap();
            tee.flush().unwrap(); // nothing new: no event
            tee.write_all(b"!").unwrap();
            assert!(rec.recording());
            rec.finish().unwrap();
            assert!(!rec.recording());
            tee.write_all(b" after").unwrap();
            tee.flush().unwrap();
        }
        assert_eq!(screen, "hello ✓! after".as_bytes());
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let e: (f64, String, String) = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(e.2, "hello ✓");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
