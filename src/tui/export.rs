//! Headless rendering: drawing the dashboard into an off-screen [`Buffer`] and turning it
//! into text, SVG or HTML, so a slide can show exactly what the live dashboard shows at
//! that moment (`ringside frame`).

use std::fmt::Write as _;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

use super::render;
use super::state::ViewState;
use super::theme::Theme;
use crate::sim::Snapshot;

/// Output formats of [`export`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FrameFormat {
    /// Plain text, one line per row (no colours).
    #[default]
    Text,
    /// A standalone SVG image with colours.
    Svg,
    /// A standalone HTML page with a coloured `<pre>`.
    Html,
}

/// Draw `snap` as the live dashboard would in a `width`×`height` terminal, off screen.
pub fn render_buffer(
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
    width: u16,
    height: u16,
) -> Buffer {
    // The test backend cannot fail (its error type is `Infallible`).
    let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(never) => match never {},
    };
    if let Err(never) = terminal.draw(|f| {
        render::draw(f, snap, view, theme);
    }) {
        match never {}
    }
    terminal.backend().buffer().clone()
}

/// Render `buffer` in `format`.
pub fn export(buffer: &Buffer, format: FrameFormat) -> String {
    match format {
        FrameFormat::Text => to_text(buffer),
        FrameFormat::Svg => to_svg(buffer),
        FrameFormat::Html => to_html(buffer),
    }
}

/// The buffer's symbols, row by row, each row ending in `\n`. Wide characters occupy
/// their first cell only, as in the terminal.
pub fn to_text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for (_, cell) in row(buffer, y) {
            out.push_str(cell.symbol());
        }
        out.push('\n');
    }
    out
}

/// Width of one terminal cell in the SVG (and in the PNG at scale 1), in pixels: the
/// advance of DejaVu Sans Mono at [`FONT_SIZE`].
pub const CELL_W: f32 = 8.4;
/// Height of one terminal cell, in pixels.
pub const CELL_H: f32 = 17.0;
/// Font size of the cells' text, in pixels.
pub const FONT_SIZE: f32 = 14.0;
/// Where a cell's text baseline sits, as a fraction of the cell's height from its top.
pub const BASELINE: f32 = 0.78;
/// Foreground of cells that leave it to the terminal.
pub const DEFAULT_FG: &str = "#d0d0d0";
/// Background of cells that leave it to the terminal (a dark terminal).
pub const DEFAULT_BG: &str = "#1c1c1c";

/// The page a frame is drawn on: the background most cells have (a theme that paints its
/// page, such as the light one, sets it on every cell) and the foreground of cells that
/// leave it to the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// Foreground of cells that leave it to the terminal (CSS `#rrggbb`).
    pub(crate) fg: String,
    /// The page's background (CSS `#rrggbb`).
    pub(crate) bg: String,
}

impl Page {
    /// The page of `buffer`.
    pub(crate) fn of(buffer: &Buffer) -> Self {
        let mut counts: std::collections::HashMap<(Color, Color), usize> = Default::default();
        for cell in &buffer.content {
            *counts.entry((cell.bg, cell.fg)).or_default() += 1;
        }
        let mut by_bg: std::collections::HashMap<Color, usize> = Default::default();
        for (&(bg, _), n) in &counts {
            *by_bg.entry(bg).or_default() += n;
        }
        let page_bg = by_bg
            .into_iter()
            .max_by_key(|&(bg, n)| (n, bg == Color::Reset, css(bg)))
            .map_or(Color::Reset, |(bg, _)| bg);
        let page_fg = counts
            .iter()
            .filter(|((bg, _), _)| *bg == page_bg && page_bg != Color::Reset)
            .max_by_key(|&(&(_, fg), n)| (n, css(fg)))
            .map_or(Color::Reset, |(&(_, fg), _)| fg);
        Self {
            fg: css(page_fg).unwrap_or_else(|| DEFAULT_FG.to_string()),
            bg: css(page_bg).unwrap_or_else(|| DEFAULT_BG.to_string()),
        }
    }
}

/// A standalone SVG: a background rectangle per run of equal background, and a `<text>`
/// per run of equal style, each run forced to its exact cell width so columns line up
/// whatever monospace font the viewer has.
pub fn to_svg(buffer: &Buffer) -> String {
    let (w, h) = (buffer.area.width, buffer.area.height);
    let page = Page::of(buffer);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" viewBox="0 0 {:.1} {:.1}" font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="{FONT_SIZE}">"#,
        f32::from(w) * CELL_W,
        f32::from(h) * CELL_H,
        f32::from(w) * CELL_W,
        f32::from(h) * CELL_H,
    );
    let _ = write!(
        out,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        page.bg
    );
    for y in 0..h {
        let top = f32::from(y) * CELL_H;
        for run in runs(buffer, y, &page) {
            let x = f32::from(run.x) * CELL_W;
            let width = f32::from(run.width) * CELL_W;
            if let Some(bg) = run.style.bg.filter(|bg| *bg != page.bg) {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{top:.1}" width="{width:.1}" height="{CELL_H:.1}" fill="{bg}"/>"#
                );
            }
            if run.text.trim().is_empty() && !run.style.underline {
                continue;
            }
            let baseline = top + CELL_H * BASELINE;
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{baseline:.1}" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve" fill="{}"{}{}{}>{}</text>"#,
                run.style.fg.as_deref().unwrap_or(&page.fg),
                if run.style.bold {
                    r#" font-weight="bold""#
                } else {
                    ""
                },
                if run.style.italic {
                    r#" font-style="italic""#
                } else {
                    ""
                },
                if run.style.underline {
                    r#" text-decoration="underline""#
                } else {
                    ""
                },
                escape(&run.text),
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A standalone HTML page: a `<pre>` with one `<span>` per run of equal style.
pub fn to_html(buffer: &Buffer) -> String {
    let page = Page::of(buffer);
    let mut out = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ringside</title></head>\n<body style=\"margin:0;background:",
    );
    let _ = write!(
        out,
        "{}\"><pre style=\"margin:0;padding:8px;color:{};font:14px/1.2 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace\">",
        page.bg, page.fg
    );
    for y in 0..buffer.area.height {
        for run in runs(buffer, y, &page) {
            let mut css = String::new();
            if let Some(fg) = &run.style.fg {
                let _ = write!(css, "color:{fg};");
            }
            if let Some(bg) = &run.style.bg {
                let _ = write!(css, "background:{bg};");
            }
            if run.style.bold {
                css.push_str("font-weight:bold;");
            }
            if run.style.italic {
                css.push_str("font-style:italic;");
            }
            if run.style.underline {
                css.push_str("text-decoration:underline;");
            }
            if css.is_empty() {
                out.push_str(&escape(&run.text));
            } else {
                let _ = write!(out, "<span style=\"{css}\">{}</span>", escape(&run.text));
            }
        }
        out.push('\n');
    }
    out.push_str("</pre></body></html>\n");
    out
}

/// Resolved style of a cell, as CSS colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunStyle {
    /// Foreground (`None`: the page's).
    pub(crate) fg: Option<String>,
    /// Background (`None`: the page's).
    pub(crate) bg: Option<String>,
    /// Bold type.
    pub(crate) bold: bool,
    /// Italic type.
    pub(crate) italic: bool,
    /// Underlined.
    pub(crate) underline: bool,
}

/// A horizontal run of cells with the same style.
struct Run {
    x: u16,
    width: u16,
    text: String,
    style: RunStyle,
}

/// The cells of row `y` that start a glyph (skipping the trailing cells of wide glyphs).
pub(crate) fn row(buffer: &Buffer, y: u16) -> impl Iterator<Item = (u16, &ratatui::buffer::Cell)> {
    let mut skip = 0usize;
    (0..buffer.area.width).filter_map(move |x| {
        let cell = &buffer[(buffer.area.x + x, buffer.area.y + y)];
        if skip > 0 {
            skip -= 1;
            return None;
        }
        skip = cell_width(cell.symbol()).saturating_sub(1);
        Some((x, cell))
    })
}

/// Columns a cell's symbol takes, as the terminal (and ratatui) count them: 2 for CJK and
/// emoji. An empty symbol still occupies its cell.
pub(crate) fn cell_width(symbol: &str) -> usize {
    symbol.width().max(1)
}

fn runs(buffer: &Buffer, y: u16, page: &Page) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for (x, cell) in row(buffer, y) {
        let style = cell_style(cell, page);
        let width = cell_width(cell.symbol()) as u16;
        match out.last_mut() {
            Some(run) if run.style == style => {
                run.text.push_str(cell.symbol());
                run.width += width;
            }
            _ => out.push(Run {
                x,
                width,
                text: cell.symbol().to_string(),
                style,
            }),
        }
    }
    out
}

/// The resolved style of `cell` on `page` (reversed cells swap their colours).
pub(crate) fn cell_style(cell: &ratatui::buffer::Cell, page: &Page) -> RunStyle {
    let (mut fg, mut bg) = (css(cell.fg), css(cell.bg));
    if cell.modifier.contains(Modifier::REVERSED) {
        (fg, bg) = (
            bg.or_else(|| Some(page.bg.clone())),
            fg.or_else(|| Some(page.fg.clone())),
        );
    }
    RunStyle {
        fg,
        bg,
        bold: cell.modifier.contains(Modifier::BOLD),
        italic: cell.modifier.contains(Modifier::ITALIC),
        underline: cell.modifier.contains(Modifier::UNDERLINED),
    }
}

/// CSS colour of a ratatui colour (xterm's palette for the named ones); `None` = default.
fn css(color: Color) -> Option<String> {
    let rgb = match color {
        Color::Reset => return None,
        Color::Black => (0x00, 0x00, 0x00),
        Color::Red => (0xcd, 0x31, 0x31),
        Color::Green => (0x0d, 0xbc, 0x79),
        Color::Yellow => (0xe5, 0xe5, 0x10),
        Color::Blue => (0x24, 0x72, 0xc8),
        Color::Magenta => (0xbc, 0x3f, 0xbc),
        Color::Cyan => (0x11, 0xa8, 0xcd),
        Color::Gray => (0xcc, 0xcc, 0xcc),
        Color::DarkGray => (0x76, 0x76, 0x76),
        Color::LightRed => (0xf1, 0x4c, 0x4c),
        Color::LightGreen => (0x23, 0xd1, 0x8b),
        Color::LightYellow => (0xf5, 0xf5, 0x43),
        Color::LightBlue => (0x3b, 0x8e, 0xea),
        Color::LightMagenta => (0xd6, 0x70, 0xd6),
        Color::LightCyan => (0x29, 0xb8, 0xdb),
        Color::White => (0xff, 0xff, 0xff),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
    };
    Some(format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2))
}

/// xterm 256-colour palette entry.
fn indexed(i: u8) -> (u8, u8, u8) {
    const BASE: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0xcd, 0x00, 0x00),
        (0x00, 0xcd, 0x00),
        (0xcd, 0xcd, 0x00),
        (0x00, 0x00, 0xee),
        (0xcd, 0x00, 0xcd),
        (0x00, 0xcd, 0xcd),
        (0xe5, 0xe5, 0xe5),
        (0x7f, 0x7f, 0x7f),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x5c, 0x5c, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    match i {
        0..=15 => BASE[usize::from(i)],
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

/// `text` escaped for XML and HTML text and attributes (control characters become spaces).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn sample() -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 2));
        buf.set_string(0, 0, "a<b", Style::new().fg(Color::Red));
        buf.set_string(3, 0, "ok", Style::new().add_modifier(Modifier::BOLD));
        buf.set_string(0, 1, "x&y", Style::new().bg(Color::Rgb(1, 2, 3)));
        buf
    }

    #[test]
    fn text_is_the_symbols_row_by_row() {
        assert_eq!(to_text(&sample()), "a<bok \nx&y   \n");
    }

    #[test]
    fn svg_escapes_and_colours_runs() {
        let svg = to_svg(&sample());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains(r##"fill="#cd3131""##), "{svg}");
        assert!(svg.contains(">a&lt;b</text>"), "{svg}");
        assert!(svg.contains(r#"font-weight="bold""#));
        assert!(
            svg.contains(r##"fill="#010203""##),
            "background rect: {svg}"
        );
        assert!(svg.contains(">x&amp;y</text>"));
    }

    #[test]
    fn html_spans_carry_styles() {
        let html = to_html(&sample());
        assert!(
            html.contains("<span style=\"color:#cd3131;\">a&lt;b</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span style=\"font-weight:bold;\">ok</span>"),
            "{html}"
        );
        assert!(html.contains("<span style=\"background:#010203;\">x&amp;y</span>"));
    }

    #[test]
    fn reversed_cells_swap_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        buf.set_string(0, 0, "r", Style::new().add_modifier(Modifier::REVERSED));
        let html = to_html(&buf);
        assert!(
            html.contains(&format!("color:{DEFAULT_BG};background:{DEFAULT_FG};")),
            "{html}"
        );
    }

    #[test]
    fn wide_glyphs_take_two_cells_and_their_trailing_cell_is_skipped() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        buf.set_string(0, 0, "日x", Style::new());
        assert_eq!(cell_width("日"), 2);
        assert_eq!(cell_width("█"), 1);
        assert_eq!(cell_width(""), 1);
        assert_eq!(to_text(&buf), "日x  \n");
        let svg = to_svg(&buf);
        assert!(svg.contains(r#"textLength="42.0""#), "5 cells: {svg}");
    }

    #[test]
    fn indexed_palette_matches_xterm() {
        assert_eq!(indexed(196), (255, 0, 0));
        assert_eq!(indexed(232), (8, 8, 8));
        assert_eq!(indexed(255), (238, 238, 238));
        assert_eq!(indexed(9), (0xff, 0, 0));
    }
}
