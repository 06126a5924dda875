//! [`Problem`]: a rule a scenario breaks, located by its [`FieldPath`] in the file.

/// Where a problem is in the scenario file: keys and array indices from the top.
pub type FieldPath = Vec<PathPart>;

/// One step of a [`FieldPath`].
///
/// Not `#[non_exhaustive]`: a TOML document is addressed by table keys and array indices
/// only, so this set is complete and callers match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart {
    /// A table key.
    Key(&'static str),
    /// An index into an array of tables.
    Index(usize),
}

/// A rule a scenario breaks: where (`None`: the file as a whole) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    /// The offending value (absent values are located at the start of the file).
    pub path: Option<FieldPath>,
    /// What is wrong and what was expected.
    pub message: String,
}
