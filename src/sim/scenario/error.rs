//! [`ScenarioError`]: why a scenario could not be loaded.

/// A scenario that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// A located problem (syntax, type, unknown field, invalid value).
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// File name or label.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A problem without a precise location.
    #[error("{file}: {message}")]
    Invalid {
        /// File name or label.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// No shipped scenario of that name (and not a readable file).
    #[error("unknown scenario '{name}' (shipped: {available}); or pass a path to a .toml file")]
    Unknown {
        /// Requested name.
        name: String,
        /// Shipped names, comma-separated.
        available: String,
    },
    /// The path is not a regular file (a device, a pipe, a directory…).
    #[error("cannot read {path}: not a regular file (a scenario is a .toml file)")]
    NotAFile {
        /// Path.
        path: String,
    },
    /// The file is larger than the limit; reading stopped there.
    #[error("cannot read {path}: larger than the limit of {max} bytes (reading stopped there)")]
    TooLarge {
        /// Path.
        path: String,
        /// The limit in bytes.
        max: u64,
    },
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// Path.
        path: String,
        /// What kind of OS error.
        kind: std::io::ErrorKind,
        /// The OS error's text.
        message: String,
    },
}
