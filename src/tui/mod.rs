//! The live dashboard: terminal lifecycle, event loop, key map, layout, widgets, theme.
//! This layer draws `sim::Snapshot`s and sends `sim::Command`s; it never routes or limits.

pub mod terminal;
pub mod theme;
