//! The command-line spellings of the dashboard's view choices (theme, focused panel,
//! frame format). `tui` knows nothing of clap; these enums map onto its types.

use clap::ValueEnum;

use ringside::tui::export::FrameFormat;
use ringside::tui::state::Focus;
use ringside::tui::theme::ThemeKind;

/// Which palette to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ThemeArg {
    /// Light text on a dark background.
    #[default]
    Dark,
    /// Dark text on a light background.
    Light,
    /// No colours at all (also chosen by a non-empty `NO_COLOR`).
    Mono,
}

impl From<ThemeArg> for ThemeKind {
    fn from(arg: ThemeArg) -> Self {
        match arg {
            ThemeArg::Dark => ThemeKind::Dark,
            ThemeArg::Light => ThemeKind::Light,
            ThemeArg::Mono => ThemeKind::Mono,
        }
    }
}

/// Which panel fills the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FocusArg {
    /// Every panel of the layout.
    #[default]
    All,
    /// The ring gauge alone.
    Ring,
    /// The token buckets alone.
    Buckets,
    /// The breaker timeline alone.
    Breakers,
}

impl From<FocusArg> for Focus {
    fn from(arg: FocusArg) -> Self {
        match arg {
            FocusArg::All => Focus::All,
            FocusArg::Ring => Focus::Ring,
            FocusArg::Buckets => Focus::Buckets,
            FocusArg::Breakers => Focus::Breakers,
        }
    }
}

/// Output format of `ringside frame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FormatArg {
    /// Plain text, one line per row (no colours).
    #[default]
    Text,
    /// A standalone SVG image with colours.
    Svg,
    /// A standalone HTML page with a coloured `<pre>`.
    Html,
    /// A PNG image of the SVG's cell grid, drawn with the bundled font (`--scale`).
    Png,
}

impl FormatArg {
    /// The text format it is (`None`: PNG, which is pixels).
    pub fn text(self) -> Option<FrameFormat> {
        match self {
            FormatArg::Text => Some(FrameFormat::Text),
            FormatArg::Svg => Some(FrameFormat::Svg),
            FormatArg::Html => Some(FrameFormat::Html),
            FormatArg::Png => None,
        }
    }
}
