//! Scenarios: TOML files describing servers, traffic, limiter, breakers and a timeline.
//!
//! Shipped scenarios live in `assets/scenarios/*.toml` and are compiled in. The file format
//! is the serde types ([`Scenario`] and its parts) (read and written, `deny_unknown_fields`), the timeline
//! actions are [`events::EventAction`], and every rule is in [`validate`]: errors name the
//! file, line and column (toml's spans) and what was expected.

pub(super) mod error;
pub mod events;
pub(super) mod problem;
mod types;
pub mod validate;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use error::ScenarioError;
use problem::{FieldPath, PathPart, Problem};
pub use types::{
    BreakerPolicy, BreakerSpec, HashingSpec, LimiterSpec, RetryPolicy, Scenario, ServerDefaults,
    ServerSpec, TimelineEvent, TrafficSpec,
};

use super::error::SimError;
use super::limits::MAX_SCENARIO_BYTES;
use super::traffic::auto_server_name;

/// Shipped scenarios: (name, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../../assets/scenarios/default.toml"),
    ),
    (
        "failover",
        include_str!("../../../assets/scenarios/failover.toml"),
    ),
    (
        "hot-tenant",
        include_str!("../../../assets/scenarios/hot-tenant.toml"),
    ),
    (
        "scale-out",
        include_str!("../../../assets/scenarios/scale-out.toml"),
    ),
    (
        "retry-storm",
        include_str!("../../../assets/scenarios/retry-storm.toml"),
    ),
    (
        "flapping",
        include_str!("../../../assets/scenarios/flapping.toml"),
    ),
    ("tour", include_str!("../../../assets/scenarios/tour.toml")),
    (
        "ring-story",
        include_str!("../../../assets/scenarios/ring-story.toml"),
    ),
    (
        "limiter-story",
        include_str!("../../../assets/scenarios/limiter-story.toml"),
    ),
    (
        "breaker-story",
        include_str!("../../../assets/scenarios/breaker-story.toml"),
    ),
    (
        "compare-vnodes",
        include_str!("../../../assets/scenarios/compare-vnodes.toml"),
    ),
    (
        "compare-breakers",
        include_str!("../../../assets/scenarios/compare-breakers.toml"),
    ),
    (
        "compare-limiters",
        include_str!("../../../assets/scenarios/compare-limiters.toml"),
    ),
    (
        "compare-hashing",
        include_str!("../../../assets/scenarios/compare-hashing.toml"),
    ),
];

impl Scenario {
    /// Virtual times of the scripted (non-`live`) timeline events, in order: the steps a
    /// talk moves through with next / previous.
    pub fn scripted_times(&self) -> impl Iterator<Item = u64> + Clone + '_ {
        self.events.iter().filter(|e| !e.live).map(|e| e.at_ns)
    }

    /// Names of the shipped scenarios.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// A shipped scenario by name.
    pub fn builtin(name: &str) -> Result<Self, ScenarioError> {
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Self::from_toml(text, &format!("{n}.toml")),
            None => Err(ScenarioError::Unknown {
                name: name.to_string(),
                available: Self::builtin_names().collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// A shipped scenario by name, or else a TOML file at that path.
    pub fn load(name_or_path: &str) -> Result<Self, ScenarioError> {
        if BUILTIN.iter().any(|(n, _)| *n == name_or_path) {
            return Self::builtin(name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text = read_bounded(path, name_or_path)?;
            return Self::from_toml(&text, name_or_path);
        }
        Self::builtin(name_or_path)
    }

    /// Parse and validate a scenario from TOML text; `file` labels error messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, ScenarioError> {
        let src = Src { file, text };
        let doc = DeTable::parse(text).map_err(|e| src.toml_error(&e, None))?;
        let mut sc: Scenario =
            serde::Deserialize::deserialize(toml::de::Deserializer::from(doc.clone()))
                .map_err(|e| src.toml_error(&e, Some(&doc)))?;
        sc.normalize();
        sc.validate().map_err(|p| src.problem(&p, &doc))?;
        Ok(sc)
    }

    /// Write this scenario as TOML that [`Scenario::from_toml`] reads back into an equal
    /// value (the limiter backend is not written: a URL may hold a password).
    pub fn to_toml(&self) -> Result<String, SimError> {
        if i64::try_from(self.seed).is_err() {
            return Err(SimError::SeedNotWritable(self.seed));
        }
        toml::to_string(self).map_err(|e| SimError::NotWritable(e.to_string()))
    }

    /// Names as the engine will use them: trimmed, and auto-named servers of `add_server`
    /// events named now (the name the engine would pick at that time), so that a run and a
    /// saved copy of it add the same servers.
    fn normalize(&mut self) {
        for s in &mut self.servers {
            s.name = s.name.trim().to_string();
        }
        let mut members: std::collections::BTreeSet<String> =
            self.servers.iter().map(|s| s.name.clone()).collect();
        for e in &mut self.events {
            match &mut e.command {
                Some(super::Command::AddServer { name }) => {
                    let n = match name.as_deref() {
                        Some(n) => n.trim().to_string(),
                        None => auto_server_name(|n| members.contains(n)),
                    };
                    members.insert(n.clone());
                    *name = Some(n);
                }
                Some(super::Command::RemoveServer(n)) => {
                    members.remove(n.as_str());
                }
                _ => {}
            }
        }
    }
}

/// A scenario file's text: a regular file (not a device, a pipe or a directory) of at most
/// [`MAX_SCENARIO_BYTES`], read no further than that.
fn read_bounded(path: &std::path::Path, label: &str) -> Result<String, ScenarioError> {
    use std::io::Read as _;
    let io = |e: std::io::Error| ScenarioError::Io {
        path: label.to_string(),
        kind: e.kind(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ScenarioError::NotAFile {
            path: label.to_string(),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::TooLarge {
            path: label.to_string(),
            max: MAX_SCENARIO_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| ScenarioError::Invalid {
        file: label.to_string(),
        message: format!("not UTF-8 text ({e})"),
    })
}

/// Locates byte spans in a source as line/column.
struct Src<'a> {
    file: &'a str,
    text: &'a str,
}

impl Src<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn at(&self, offset: usize, message: impl Into<String>) -> ScenarioError {
        let (line, column) = self.line_col(offset);
        ScenarioError::At {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn invalid(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            message: message.into(),
        }
    }

    /// A rule broken by the parsed scenario, located at the offending value (the start of
    /// the file for a value left to its default).
    fn problem(&self, p: &Problem, doc: &Spanned<DeTable<'_>>) -> ScenarioError {
        match &p.path {
            None => self.invalid(&p.message),
            Some(path) => {
                let offset = find(doc, path).map_or(0, |v| v.span().start);
                self.at(offset, &p.message)
            }
        }
    }

    /// A syntax or type error from toml. One inside a timeline event's action (read as a
    /// whole, so toml locates it at the event) is located at the event's `action` and
    /// said in the scenario's terms.
    fn toml_error(&self, e: &toml::de::Error, doc: Option<&Spanned<DeTable<'_>>>) -> ScenarioError {
        let message = e.message().trim().to_string();
        let Some(span) = e.span() else {
            return self.invalid(message);
        };
        let event = doc.and_then(|doc| event_containing(doc, span.start));
        match event.and_then(|ev| ev.get("action").map(|a| (ev, a))) {
            Some((ev, action)) => {
                let name = action.get_ref().as_str().unwrap_or_default();
                let message = action_message(&message, name, ev);
                self.at(action.span().start, message)
            }
            None => self.at(span.start, message),
        }
    }
}

/// A serde message about an event's action rephrased: `unknown variant` of the action or
/// of its fault, a `missing field`.
fn action_message(message: &str, action: &str, event: &DeTable<'_>) -> String {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or_default().to_string();
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = quoted(got);
        let expected = expected.replace('`', "");
        let what = if got == action { "action" } else { "fault" };
        return format!("unknown {what} '{got}': expected {expected}");
    }
    if message.starts_with("missing field ") && event.get("action").is_some() {
        return format!("action `{action}` needs `{}`", quoted(message));
    }
    message.to_string()
}

/// The value at `path` in the parsed document, if present.
fn find<'a, 'i>(
    doc: &'a Spanned<DeTable<'i>>,
    path: &FieldPath,
) -> Option<&'a Spanned<DeValue<'i>>> {
    let mut parts = path.iter();
    let Some(PathPart::Key(first)) = parts.next() else {
        return None;
    };
    let mut value = doc.get_ref().get(*first)?;
    for part in parts {
        value = match part {
            PathPart::Key(k) => value.get_ref().as_table()?.get(*k)?,
            PathPart::Index(i) => value.get_ref().as_array()?.get(*i)?,
        };
    }
    Some(value)
}

/// The `[[events]]` table whose span holds `offset`.
fn event_containing<'a, 'i>(
    doc: &'a Spanned<DeTable<'i>>,
    offset: usize,
) -> Option<&'a DeTable<'i>> {
    let events = doc.get_ref().get("events")?.get_ref().as_array()?;
    events
        .iter()
        .filter(|e| e.span().contains(&offset) || e.span().start == offset)
        .find_map(|e| e.get_ref().as_table())
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
