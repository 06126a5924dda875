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
    /// The page every panel is drawn on: its foreground and background (unset = the
    /// terminal's own; the light theme paints its white page so dark text stays readable
    /// on a dark terminal and in exported frames).
    pub page: Style,
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
            // Contrast on the dark page (#1c1c1c): text at least 4.5:1, graphics 3:1.
            dim: Style::new().fg(Color::Rgb(0x94, 0x94, 0x94)),
            border: Style::new().fg(Color::DarkGray),
            title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Cyan),
            selected: Style::new()
                .fg(Color::Gray)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            good: Style::new().fg(Color::Rgb(0x5f, 0xd7, 0x5f)),
            warn: Style::new().fg(Color::Rgb(0xe5, 0xe5, 0x10)),
            bad: Style::new().fg(Color::Rgb(0xff, 0x5f, 0x5f)),
            info: Style::new().fg(Color::LightMagenta),
            muted: Style::new().fg(Color::LightBlue),
            caption: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            page: Style::new(),
            // Blue, cyan, violet, pink, grey: no red, green or yellow, which mean open,
            // closed and half-open.
            servers: vec![
                Color::Rgb(0x5f, 0x87, 0xff),
                Color::Rgb(0x00, 0xd7, 0xd7),
                Color::Rgb(0xaf, 0x5f, 0xff),
                Color::Rgb(0xff, 0x87, 0xd7),
                Color::Rgb(0xa8, 0xa8, 0xa8),
            ],
        }
    }

    fn light() -> Self {
        Self {
            kind: ThemeKind::Light,
            text: Style::new().fg(Color::Black),
            // Contrast on the white page: text at least 4.5:1, graphics 3:1.
            dim: Style::new().fg(Color::Rgb(0x6e, 0x6e, 0x6e)),
            border: Style::new().fg(Color::Rgb(0x86, 0x86, 0x86)),
            title: Style::new().fg(Color::Black).add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Blue),
            selected: Style::new()
                .fg(Color::Black)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD),
            good: Style::new().fg(Color::Rgb(0x1a, 0x7f, 0x37)),
            warn: Style::new().fg(Color::Rgb(0x9a, 0x67, 0x00)),
            bad: Style::new().fg(Color::Rgb(0xcf, 0x22, 0x2e)),
            info: Style::new().fg(Color::Rgb(0x82, 0x50, 0xdf)),
            muted: Style::new().fg(Color::Rgb(0x09, 0x69, 0xda)),
            caption: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            page: Style::new().fg(Color::Black).bg(Color::White),
            // The dark theme's hues, darkened for the white page.
            servers: vec![
                Color::Rgb(0x1f, 0x5f, 0xc4),
                Color::Rgb(0x0e, 0x80, 0x8f),
                Color::Rgb(0x8a, 0x4f, 0xd1),
                Color::Rgb(0xc2, 0x37, 0x9a),
                Color::Rgb(0x73, 0x73, 0x73),
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
            page: plain,
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

    /// The traced key's marker on the ring and its position in text: the strongest
    /// foreground of the page (the titles' colour), never a server or state colour.
    pub fn marker(&self) -> Style {
        self.title
    }

    /// How many distinct server colours the palette has (they cycle after that).
    pub fn server_colours(&self) -> usize {
        self.servers.len()
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
                // Text at least 7:1 on the dark page.
                t.text = Style::new().fg(Color::White);
                t.dim = Style::new().fg(Color::Gray);
                t.border = Style::new().fg(Color::Gray);
                t.title = Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD);
                t.accent = Style::new().fg(Color::Rgb(0x5f, 0xd7, 0xff));
                t.selected = t.text.add_modifier(Modifier::REVERSED | Modifier::BOLD);
                t.good = Style::new().fg(Color::Rgb(0x87, 0xff, 0x87));
                t.warn = Style::new().fg(Color::Rgb(0xf5, 0xf5, 0x43));
                t.bad = Style::new()
                    .fg(Color::Rgb(0xff, 0x87, 0x87))
                    .add_modifier(Modifier::BOLD);
                t.info = Style::new().fg(Color::Rgb(0xff, 0x87, 0xff));
                t.muted = Style::new().fg(Color::Rgb(0x87, 0xaf, 0xff));
                // Server names are text too: the palette's hues, lighter.
                t.servers = vec![
                    Color::Rgb(0x87, 0xaf, 0xff),
                    Color::Rgb(0x5f, 0xff, 0xff),
                    Color::Rgb(0xd7, 0xaf, 0xff),
                    Color::Rgb(0xff, 0xaf, 0xd7),
                    Color::Rgb(0xd0, 0xd0, 0xd0),
                ];
            }
            ThemeKind::Light => {
                // Text at least 7:1 on the white page.
                t.text = Style::new().fg(Color::Black);
                t.dim = Style::new().fg(Color::Black);
                t.border = Style::new().fg(Color::Black);
                t.title = Style::new().fg(Color::Black).add_modifier(Modifier::BOLD);
                t.accent = Style::new().fg(Color::Rgb(0x00, 0x4f, 0x9e));
                t.good = Style::new().fg(Color::Rgb(0x0b, 0x5a, 0x27));
                t.warn = Style::new().fg(Color::Rgb(0x6b, 0x44, 0x00));
                t.bad = Style::new()
                    .fg(Color::Rgb(0xa4, 0x0e, 0x26))
                    .add_modifier(Modifier::BOLD);
                t.info = Style::new().fg(Color::Rgb(0x5a, 0x32, 0xa3));
                t.muted = Style::new().fg(Color::Rgb(0x0a, 0x4f, 0xa8));
                t.caption = Style::new()
                    .fg(Color::White)
                    .bg(Color::Rgb(0x0a, 0x3d, 0x7a))
                    .add_modifier(Modifier::BOLD);
                t.servers = vec![
                    Color::Rgb(0x0a, 0x3d, 0x91),
                    Color::Rgb(0x00, 0x5f, 0x66),
                    Color::Rgb(0x5a, 0x2e, 0xa6),
                    Color::Rgb(0x8a, 0x1f, 0x66),
                    Color::Rgb(0x4a, 0x4a, 0x4a),
                ];
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
        let n = theme.servers.len();
        assert_eq!(theme.server(0), theme.server(n));
        assert_ne!(theme.server(0), theme.server(1));
    }

    /// Hue in degrees and saturation (HSV) of an RGB colour.
    fn hue_sat(c: Color) -> (f64, f64) {
        let Color::Rgb(r, g, b) = c else {
            panic!("server colours are RGB: {c:?}")
        };
        let [r, g, b] = [r, g, b].map(|v| f64::from(v) / 255.0);
        let max = r.max(g).max(b);
        let d = max - r.min(g).min(b);
        let h = if d == 0.0 {
            0.0
        } else if max == r {
            60.0 * ((g - b) / d).rem_euclid(6.0)
        } else if max == g {
            60.0 * ((b - r) / d + 2.0)
        } else {
            60.0 * ((r - g) / d + 4.0)
        };
        (h, if max == 0.0 { 0.0 } else { d / max })
    }

    #[test]
    fn server_colours_avoid_the_breaker_state_hues() {
        // Open, half-open and closed have their own hues: no server colour within 30° of
        // them unless it is nearly grey; and no two server colours alike.
        for kind in [ThemeKind::Dark, ThemeKind::Light] {
            for theme in [
                Theme::new(kind, false),
                Theme::new(kind, false).high_contrast(),
            ] {
                let state_hues = [theme.good, theme.warn, theme.bad]
                    .map(|s| hue_sat(s.fg.expect("state colours are set")).0);
                for (i, &c) in theme.servers.iter().enumerate() {
                    let (h, s) = hue_sat(c);
                    if s > 0.2 {
                        for state in state_hues {
                            let d = (h - state).abs().min(360.0 - (h - state).abs());
                            assert!(d >= 30.0, "{kind:?} server {i}: {c:?} near {state}°");
                        }
                    }
                    for &other in &theme.servers[i + 1..] {
                        let (h2, s2) = hue_sat(other);
                        let dh = (h - h2).abs().min(360.0 - (h - h2).abs());
                        assert!(dh >= 25.0 || (s - s2).abs() > 0.3, "{c:?} ~ {other:?}");
                    }
                }
            }
        }
    }
}
