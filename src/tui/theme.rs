//! Semantic colours and the glyphs that carry meaning without colour. Render functions
//! ask for a role ("bad", "server 3", "open breaker"), never a raw colour or character, so
//! the dark, light, presenter and `NO_COLOR` variants stay consistent everywhere.

use ratatui::style::{Color, Modifier, Style};

use crate::sim::BreakerState;

/// Glyph of a breaker-timeline cell in which the breaker changed state.
pub const TRANSITION: char = '│';
/// Eighth blocks, from one eighth to a full cell (smooth bars).
pub const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Glyph of a breaker state: readable without colour.
pub fn state_glyph(state: BreakerState) -> char {
    match state {
        BreakerState::Closed => '─',
        BreakerState::Open => '█',
        BreakerState::HalfOpen => '▒',
    }
}

/// Short word for a breaker state (`OPEN` shouts).
pub fn state_word(state: BreakerState) -> &'static str {
    match state {
        BreakerState::Closed => "closed",
        BreakerState::Open => "OPEN",
        BreakerState::HalfOpen => "half",
    }
}

/// Which palette to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    /// Light text on a dark background.
    #[default]
    Dark,
    /// Dark text on a light background.
    Light,
    /// No colours at all (also chosen by a non-empty `NO_COLOR`).
    Mono,
}

/// The semantic palette.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Which variant this is.
    pub kind: ThemeKind,
    /// Ordinary text.
    pub text: Style,
    /// Secondary text (labels, units).
    pub dim: Style,
    /// Panel borders.
    pub border: Style,
    /// Panel titles.
    pub title: Style,
    /// Key hints and highlights.
    pub accent: Style,
    /// The selected row / server.
    pub selected: Style,
    /// Healthy: closed breakers, successful requests.
    pub good: Style,
    /// Degraded: half-open breakers, rate-limited requests.
    pub warn: Style,
    /// Broken: open breakers, failed requests.
    pub bad: Style,
    /// Re-routed: failed-over requests.
    pub info: Style,
    /// Short-circuited requests.
    pub muted: Style,
    /// Scenario captions.
    pub caption: Style,
    servers: Vec<Color>,
}

impl Theme {
    /// The theme for `kind`, downgraded to [`ThemeKind::Mono`] when `no_color` is set.
    pub fn new(kind: ThemeKind, no_color: bool) -> Self {
        match if no_color { ThemeKind::Mono } else { kind } {
            ThemeKind::Dark => Self::dark(),
            ThemeKind::Light => Self::light(),
            ThemeKind::Mono => Self::mono(),
        }
    }

    /// Whether `NO_COLOR` asks for no colour (any non-empty value, per no-color.org).
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    fn dark() -> Self {
        Self {
            kind: ThemeKind::Dark,
            text: Style::new().fg(Color::Gray),
            dim: Style::new().fg(Color::DarkGray),
            border: Style::new().fg(Color::DarkGray),
            title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Cyan),
            selected: Style::new().fg(Color::Black).bg(Color::Cyan),
            good: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            bad: Style::new().fg(Color::Red),
            info: Style::new().fg(Color::Magenta),
            muted: Style::new().fg(Color::Blue),
            caption: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            servers: vec![
                Color::Rgb(0x4e, 0xa8, 0xde),
                Color::Rgb(0xf2, 0x8e, 0x2b),
                Color::Rgb(0x59, 0xc3, 0x6a),
                Color::Rgb(0xe1, 0x57, 0x59),
                Color::Rgb(0xb0, 0x7a, 0xa1),
                Color::Rgb(0xed, 0xc9, 0x48),
                Color::Rgb(0x76, 0xb7, 0xb2),
                Color::Rgb(0xff, 0x9d, 0xa7),
                Color::Rgb(0x9c, 0x75, 0x5f),
                Color::Rgb(0xba, 0xb0, 0xac),
            ],
        }
    }

    fn light() -> Self {
        Self {
            kind: ThemeKind::Light,
            text: Style::new().fg(Color::Black),
            dim: Style::new().fg(Color::DarkGray),
            border: Style::new().fg(Color::Gray),
            title: Style::new().fg(Color::Black).add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Blue),
            selected: Style::new().fg(Color::White).bg(Color::Blue),
            good: Style::new().fg(Color::Rgb(0x1a, 0x7f, 0x37)),
            warn: Style::new().fg(Color::Rgb(0x9a, 0x67, 0x00)),
            bad: Style::new().fg(Color::Rgb(0xcf, 0x22, 0x2e)),
            info: Style::new().fg(Color::Rgb(0x82, 0x50, 0xdf)),
            muted: Style::new().fg(Color::Rgb(0x09, 0x69, 0xda)),
            caption: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            servers: vec![
                Color::Rgb(0x1f, 0x77, 0xb4),
                Color::Rgb(0xd6, 0x5f, 0x0e),
                Color::Rgb(0x2c, 0xa0, 0x2c),
                Color::Rgb(0xd6, 0x27, 0x28),
                Color::Rgb(0x94, 0x67, 0xbd),
                Color::Rgb(0x8c, 0x56, 0x4b),
                Color::Rgb(0xe3, 0x77, 0xc2),
                Color::Rgb(0x7f, 0x7f, 0x7f),
                Color::Rgb(0xbc, 0xbd, 0x22),
                Color::Rgb(0x17, 0xbe, 0xcf),
            ],
        }
    }

    fn mono() -> Self {
        let plain = Style::new();
        Self {
            kind: ThemeKind::Mono,
            text: plain,
            dim: plain.add_modifier(Modifier::DIM),
            border: plain,
            title: plain.add_modifier(Modifier::BOLD),
            accent: plain.add_modifier(Modifier::BOLD),
            selected: plain.add_modifier(Modifier::REVERSED),
            good: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            bad: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            info: plain.add_modifier(Modifier::ITALIC),
            muted: plain.add_modifier(Modifier::DIM),
            caption: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            servers: vec![Color::Reset],
        }
    }

    /// Whether this theme uses colour at all (glyphs must carry meaning when not).
    pub fn has_color(&self) -> bool {
        self.kind != ThemeKind::Mono
    }

    /// The colour of server number `index` (stable per server, cycling through the palette).
    pub fn server(&self, index: usize) -> Color {
        self.servers[index % self.servers.len()]
    }

    /// Style of a breaker state.
    pub fn state(&self, state: BreakerState) -> Style {
        match state {
            BreakerState::Closed => self.good,
            BreakerState::Open => self.bad,
            BreakerState::HalfOpen => self.warn,
        }
    }

    /// This theme made louder for a projector (the presenter layout): bright text and
    /// borders, bold titles, nothing dim-grey-on-black. The monochrome theme stays
    /// monochrome.
    pub fn high_contrast(&self) -> Theme {
        let mut t = self.clone();
        match self.kind {
            ThemeKind::Dark => {
                t.text = Style::new().fg(Color::White);
                t.dim = Style::new().fg(Color::Gray);
                t.border = Style::new().fg(Color::Gray);
                t.title = Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD);
                t.good = Style::new().fg(Color::LightGreen);
                t.warn = Style::new().fg(Color::LightYellow);
                t.bad = Style::new()
                    .fg(Color::LightRed)
                    .add_modifier(Modifier::BOLD);
                t.info = Style::new().fg(Color::LightMagenta);
                t.muted = Style::new().fg(Color::LightBlue);
            }
            ThemeKind::Light => {
                t.text = Style::new().fg(Color::Black);
                t.dim = Style::new().fg(Color::Black);
                t.border = Style::new().fg(Color::Black);
                t.title = Style::new().fg(Color::Black).add_modifier(Modifier::BOLD);
            }
            ThemeKind::Mono => {}
        }
        t
    }

    /// Style for text drawn in server `index`'s colour.
    pub fn server_style(&self, index: usize) -> Style {
        if self.has_color() {
            Style::new().fg(self.server(index))
        } else {
            self.text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_forces_mono_whatever_the_kind() {
        for kind in [ThemeKind::Dark, ThemeKind::Light, ThemeKind::Mono] {
            let theme = Theme::new(kind, true);
            assert_eq!(theme.kind, ThemeKind::Mono);
            assert_eq!(theme.bad.fg, None);
            assert_eq!(theme.server_style(3).fg, None);
        }
        assert_eq!(Theme::new(ThemeKind::Light, false).kind, ThemeKind::Light);
    }

    #[test]
    fn state_glyphs_are_distinct() {
        use BreakerState::*;
        let g = [
            state_glyph(Closed),
            state_glyph(Open),
            state_glyph(HalfOpen),
            TRANSITION,
        ];
        for i in 0..g.len() {
            for j in i + 1..g.len() {
                assert_ne!(g[i], g[j]);
            }
        }
    }

    #[test]
    fn server_colours_cycle_and_differ_between_neighbours() {
        let theme = Theme::new(ThemeKind::Dark, false);
        assert_eq!(theme.server(0), theme.server(10));
        assert_ne!(theme.server(0), theme.server(1));
    }
}
