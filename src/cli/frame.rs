//! `ringside frame`: render one dashboard frame headless (for slides): advance a scenario
//! to a virtual time, draw the dashboard into an off-screen buffer of the asked size and
//! print it as text, SVG, HTML or PNG.

use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;

use super::tui_args::{FocusArg, FormatArg, ThemeArg};
use ratatui::buffer::Buffer;
use ringside::sim::Snapshot;
use ringside::sim::compare::{Pair, Settings};
use ringside::sim::scenario::validate;
use ringside::sim::{Engine, Interrupt, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::export::{export, render_buffer};
use ringside::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use ringside::tui::raster::{self, MAX_SCALE};
use ringside::tui::theme::Theme;

/// Largest width or height `--size` accepts.
pub const MAX_SIDE: u16 = 1000;

/// Arguments of `ringside frame`.
#[derive(Debug, Clone, Args)]
pub struct FrameArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "default")]
    pub scenario: String,
    /// Virtual time of the frame, e.g. `12s`, `1500ms`, `1.5m`.
    #[arg(long, value_parser = parse_at)]
    pub at: u64,
    /// Output format (`png` is binary: redirect it to a file).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// PNG only: pixels per SVG pixel (a cell is 8.4×17 pixels at scale 1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SCALE)))]
    pub scale: u32,
    /// RNG seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Size, theme and layout.
    #[command(flatten)]
    pub look: Look,
    /// Trace this key on the ring, as `/` does on the dashboard.
    #[arg(long, value_name = "KEY")]
    pub trace: Option<String>,
    /// Show the selected (first) server's replica arcs, as `R` does.
    #[arg(long)]
    pub replica_arcs: bool,
    /// Draw the comparison with side B changed by these settings, as `--compare` does on
    /// the dashboard (e.g. `vnodes=8`).
    #[arg(long, value_name = "SETTINGS", value_parser = super::compare::parse_settings)]
    pub compare: Option<Settings>,
}

/// Parse `--at`: a humane duration, zero allowed, within the declared limit.
pub fn parse_at(text: &str) -> Result<u64, String> {
    let ns = ringside::sim::duration::parse_duration(text)?;
    validate::duration("frame time", ns).map_err(|e| e.to_string())?;
    Ok(ns)
}

/// Parse `--size`: `COLUMNSxROWS`, at least the dashboard's minimum
/// ([`MIN_WIDTH`]×[`MIN_HEIGHT`]: below it there is no dashboard to render, only the live
/// dashboard's "terminal too small" notice) and at most [`MAX_SIDE`] each way.
pub fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let err = || format!("invalid size \"{text}\": expected COLUMNSxROWS, e.g. 120x40");
    let (w, h) = text.trim().split_once(['x', 'X']).ok_or_else(err)?;
    let w: u16 = w.trim().parse().map_err(|_| err())?;
    let h: u16 = h.trim().parse().map_err(|_| err())?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "invalid size \"{text}\": each side must be within 1..={MAX_SIDE}"
        ));
    }
    if w < MIN_WIDTH || h < MIN_HEIGHT {
        return Err(format!(
            "size {w}x{h} is below the dashboard's minimum of {MIN_WIDTH}x{MIN_HEIGHT}: \
             a frame needs at least {MIN_WIDTH} columns and {MIN_HEIGHT} rows"
        ));
    }
    Ok((w, h))
}

/// How a headless frame looks: the terminal size, the theme and the layout (the options
/// of `frame` and `clip`; `slides` sets its own).
#[derive(Debug, Clone, Copy, Args)]
pub struct Look {
    /// Terminal size as COLUMNSxROWS (a cell is 8.4×17 pixels in SVG, PNG and GIF).
    #[arg(long, value_parser = parse_size, default_value = "120x40")]
    pub size: (u16, u16),
    /// Colour theme (`NO_COLOR` forces no colours).
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Presenter layout (as `--present` on the dashboard).
    #[arg(long)]
    pub present: bool,
    /// Show one panel alone.
    #[arg(long, value_enum, default_value_t = FocusArg::All)]
    pub focus: FocusArg,
}

impl Look {
    /// Draw `snapshot` as the dashboard would, freshly opened at that moment.
    pub fn draw(&self, snapshot: Snapshot) -> Buffer {
        self.render(&self.app(snapshot))
    }

    /// The dashboard freshly opened on `snapshot` with this look (for callers that set
    /// more view state, such as a traced key, before [`render`](Self::render)).
    pub fn app(&self, snapshot: Snapshot) -> App {
        let theme = Theme::new(self.theme.into(), Theme::no_color_env());
        let mut app = App::new(Arc::new(snapshot), theme, AppOptions { mouse: false });
        app.set_present(self.present);
        app.set_focus(self.focus.into());
        app
    }

    /// Draw `app` at this look's size.
    pub fn render(&self, app: &App) -> Buffer {
        let (w, h) = self.size;
        render_buffer(app.snapshot(), app.view(), &app.theme, w, h)
    }
}

/// Render the frame and return it in the asked format.
pub fn render(args: &FrameArgs) -> anyhow::Result<Vec<u8>> {
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let snapshot = match super::compare::side_b(args.compare.clone(), &scenario)? {
        Some(b) => {
            let mut pair = Pair::new(
                &scenario,
                &Settings::default(),
                &b,
                args.seed,
                Interrupt::default(),
            )?;
            pair.advance(args.at);
            pair.snapshot()
        }
        None => {
            let mut engine =
                Engine::from_scenario(&scenario, args.seed).context("starting the simulation")?;
            engine.advance(args.at);
            engine.snapshot()
        }
    };
    let mut app = args.look.app(snapshot);
    app.set_traced(args.trace.clone());
    app.set_replica_arcs(args.replica_arcs);
    let buffer = args.look.render(&app);
    match args.format.text() {
        Some(format) => Ok(export(&buffer, format).into_bytes()),
        None => Ok(raster::to_png(&raster::rasterise(&buffer, args.scale))?),
    }
}

/// Run `ringside frame`: print the frame to stdout (a PNG only when stdout is not a
/// terminal).
pub fn run(args: FrameArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    if args.format == FormatArg::Png && std::io::stdout().is_terminal() {
        anyhow::bail!("a PNG is binary: redirect it to a file (ringside frame ... > frame.png)");
    }
    let out = render(&args)?;
    super::scenario_cmd::write_stdout(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_or_explain() {
        assert_eq!(parse_size("120x40"), Ok((120, 40)));
        assert_eq!(parse_size(" 100X30 "), Ok((100, 30)));
        assert_eq!(parse_size("80x24"), Ok((80, 24)));
        for bad in ["", "120", "x40", "0x10", "10x0", "2000x10", "ax b"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        for small in ["40x10", "79x24", "80x23"] {
            let err = parse_size(small).unwrap_err();
            assert!(err.contains("minimum of 80x24"), "{small}: {err}");
        }
        assert_eq!(parse_at("0s"), Ok(0));
        assert!(parse_at("soon").is_err());
        assert!(parse_at("25h").unwrap_err().contains("limit of 24h"));
    }
}
