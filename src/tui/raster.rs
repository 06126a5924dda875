//! Raster frames: the cell grid of [`export::to_svg`](super::export::to_svg) drawn into
//! pixels with the font bundled in `assets/fonts/` (DejaVu Sans Mono, regular and bold),
//! so `ringside frame --format png` and `ringside clip` give the same bytes on every
//! machine, with no system font.
//!
//! Geometry is the SVG's: a cell is [`CELL_W`]×[`CELL_H`] pixels times the scale, its text
//! [`FONT_SIZE`] high on a baseline at [`BASELINE`] of the cell, each glyph stretched to its
//! cell's width as the SVG's `textLength` does. Backgrounds fill whole pixels (cell edges
//! rounded to the nearest pixel), and so do solid block elements (█▌▄…), so bars tile
//! without seams. The bundled font has no braille, which the ring gauge is
//! drawn with: braille cells are drawn here as their dots (two columns of four), and no
//! pause sign (⏸), drawn as two bars.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, point};
use ratatui::buffer::Buffer;

use super::export::{BASELINE, CELL_H, CELL_W, FONT_SIZE, Page, cell_style, cell_width, row};

/// The status bar's pause sign, which the bundled font lacks: drawn as two bars.
const PAUSE: char = '⏸';

/// The largest `--scale`.
pub const MAX_SCALE: u32 = 8;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Bold.ttf");

/// An RGB image, 8 bits a channel, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 3` bytes.
    pub rgb: Vec<u8>,
}

/// Pixel size of a `columns`×`rows` frame at `scale`: columns × [`CELL_W`] (rounded up)
/// by rows × [`CELL_H`], times the scale.
pub fn size(columns: u16, rows: u16, scale: u32) -> (u32, u32) {
    let s = scale as f32;
    (
        (f32::from(columns) * CELL_W * s).ceil() as u32,
        (f32::from(rows) * CELL_H * s).ceil() as u32,
    )
}

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        // The bundled files are valid fonts (a unit test loads them).
        regular: FontRef::try_from_slice(REGULAR).expect("bundled regular font"),
        bold: FontRef::try_from_slice(BOLD).expect("bundled bold font"),
    })
}

/// Draw `buffer` at `scale` (1..=[`MAX_SCALE`], clamped): every cell's background, then
/// every glyph over it (a glyph may reach into the next cell, as in a terminal).
pub fn rasterise(buffer: &Buffer, scale: u32) -> Image {
    let scale = scale.clamp(1, MAX_SCALE);
    let (width, height) = size(buffer.area.width, buffer.area.height, scale);
    let page = Page::of(buffer);
    let mut canvas = Canvas {
        width,
        height,
        rgb: [rgb_of(&page.bg)]
            .repeat((width * height) as usize)
            .concat(),
    };
    let (cw, ch) = (CELL_W * scale as f32, CELL_H * scale as f32);
    for y in 0..buffer.area.height {
        let top = f32::from(y) * ch;
        for (x, cell) in row(buffer, y) {
            if let Some(bg) = cell_style(cell, &page).bg.filter(|bg| *bg != page.bg) {
                let left = f32::from(x) * cw;
                let right = left + cell_width(cell.symbol()) as f32 * cw;
                canvas.fill(left, top, right, top + ch, rgb_of(&bg));
            }
        }
    }
    for y in 0..buffer.area.height {
        let top = f32::from(y) * ch;
        for (x, cell) in row(buffer, y) {
            let style = cell_style(cell, &page);
            let fg = rgb_of(style.fg.as_deref().unwrap_or(&page.fg));
            let left = f32::from(x) * cw;
            if let Some(c) = cell.symbol().chars().next() {
                canvas.glyph(c, style.bold, left, top, scale, fg);
            }
            if style.underline {
                let line = top + ch * BASELINE + 2.0 * scale as f32;
                let right = left + cell_width(cell.symbol()) as f32 * cw;
                canvas.fill(left, line, right, line + scale as f32, fg);
            }
        }
    }
    Image {
        width,
        height,
        rgb: canvas.rgb,
    }
}

/// Encode `image` as a PNG (RGB, 8 bits; the same bytes for the same image).
pub fn to_png(image: &Image) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&image.rgb)?;
    writer.finish()?;
    Ok(out)
}

/// A CSS `#rrggbb` colour as bytes (the exporter writes only that form).
fn rgb_of(css: &str) -> [u8; 3] {
    let hex = css.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    [channel(0), channel(2), channel(4)]
}

/// The pixels being drawn.
struct Canvas {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Canvas {
    /// Blend `colour` over pixel (x, y) with `coverage` (0..=1); outside: nothing.
    fn blend(&mut self, x: i64, y: i64, coverage: f32, colour: [u8; 3]) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let c = coverage.clamp(0.0, 1.0);
        let i = ((y as usize) * self.width as usize + x as usize) * 3;
        for (k, &v) in colour.iter().enumerate() {
            let old = f32::from(self.rgb[i + k]);
            self.rgb[i + k] = (old + (f32::from(v) - old) * c).round() as u8;
        }
    }

    /// Fill the pixels whose centres fall in [left, right) × [top, bottom).
    fn fill(&mut self, left: f32, top: f32, right: f32, bottom: f32, colour: [u8; 3]) {
        let (x0, x1) = (left.round() as i64, right.round() as i64);
        let (y0, y1) = (top.round() as i64, bottom.round() as i64);
        for y in y0..y1 {
            for x in x0..x1 {
                self.blend(x, y, 1.0, colour);
            }
        }
    }

    /// Draw character `c` in the cell whose top-left corner is (left, top).
    fn glyph(&mut self, c: char, bold: bool, left: f32, top: f32, scale: u32, fg: [u8; 3]) {
        if c == ' ' || c.is_control() {
            return;
        }
        let s = scale as f32;
        if let Some(dots) = braille_dots(c) {
            self.braille(dots, left, top, s, fg);
            return;
        }
        if let Some((x0, y0, x1, y1)) = block_part(c) {
            // Solid blocks tile exactly, as a terminal draws them (the font's glyphs,
            // stretched to a fractional cell, leave seams).
            let (cw, ch) = (CELL_W * s, CELL_H * s);
            self.fill(
                left + cw * x0,
                top + ch * y0,
                left + cw * x1,
                top + ch * y1,
                fg,
            );
            return;
        }
        if c == PAUSE {
            // Two bars, as the pause symbol is drawn.
            let (cw, ch) = (CELL_W * s, CELL_H * s);
            for bar in [0.2, 0.6] {
                let x = left + cw * bar;
                self.fill(x, top + ch * 0.3, x + cw * 0.22, top + ch * 0.75, fg);
            }
            return;
        }
        let font = if bold {
            &fonts().bold
        } else {
            &fonts().regular
        };
        let id = font.glyph_id(c);
        let em = font.units_per_em().unwrap_or(2048.0);
        let height = font.height_unscaled();
        // ab_glyph scales by the ascent-to-descent height; the SVG by the em; and each
        // glyph is stretched to exactly one cell's width, as `textLength` does.
        let advance = font.h_advance_unscaled(id).max(1.0);
        let px = PxScale {
            x: CELL_W * s * height / advance,
            y: FONT_SIZE * s * height / em,
        };
        let glyph = id.with_scale_and_position(px, point(left, top + CELL_H * s * BASELINE));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (bx, by) = (bounds.min.x as i64, bounds.min.y as i64);
            outline.draw(|x, y, coverage| {
                self.blend(bx + i64::from(x), by + i64::from(y), coverage, fg);
            });
        }
    }

    /// Draw the dots of a braille cell: bit i of `dots` is dot i + 1 of the pattern
    /// (dots 1-3 and 7 down the left column, 4-6 and 8 down the right).
    fn braille(&mut self, dots: u8, left: f32, top: f32, s: f32, fg: [u8; 3]) {
        const PLACES: [(f32, f32); 8] = [
            (0.0, 0.0),
            (0.0, 1.0),
            (0.0, 2.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (1.0, 2.0),
            (0.0, 3.0),
            (1.0, 3.0),
        ];
        let (cw, ch) = (CELL_W * s, CELL_H * s);
        let radius = (cw * 0.16).min(ch * 0.08);
        for (bit, (col, row)) in PLACES.iter().enumerate() {
            if dots & (1 << bit) != 0 {
                let cx = left + cw * (0.27 + 0.46 * col);
                let cy = top + ch * (0.125 + 0.25 * row);
                self.disc(cx, cy, radius, fg);
            }
        }
    }

    /// A filled disc, each pixel covered by the share of its 4×4 samples inside.
    fn disc(&mut self, cx: f32, cy: f32, r: f32, fg: [u8; 3]) {
        let (x0, x1) = ((cx - r).floor() as i64, (cx + r).ceil() as i64);
        let (y0, y1) = ((cy - r).floor() as i64, (cy + r).ceil() as i64);
        for y in y0..y1 {
            for x in x0..x1 {
                let inside = (0..16u8)
                    .filter(|k| {
                        let sx = x as f32 + (f32::from(k % 4) + 0.5) / 4.0 - cx;
                        let sy = y as f32 + (f32::from(k / 4) + 0.5) / 4.0 - cy;
                        sx * sx + sy * sy <= r * r
                    })
                    .count();
                self.blend(x, y, inside as f32 / 16.0, fg);
            }
        }
    }
}

/// The part of its cell a solid block element covers, as fractions (left, top, right,
/// bottom): full, upper half, lower eighths (▁..▇), left eighths (▉..▏).
fn block_part(c: char) -> Option<(f32, f32, f32, f32)> {
    let eighths = |n: u32| n as f32 / 8.0;
    match u32::from(c) {
        0x2588 => Some((0.0, 0.0, 1.0, 1.0)),
        0x2580 => Some((0.0, 0.0, 1.0, 0.5)),
        n @ 0x2581..=0x2587 => Some((0.0, 1.0 - eighths(n - 0x2580), 1.0, 1.0)),
        n @ 0x2589..=0x258f => Some((0.0, 0.0, eighths(0x2590 - n), 1.0)),
        _ => None,
    }
}

/// The dot bits of a braille pattern character (U+2800..=U+28FF).
fn braille_dots(c: char) -> Option<u8> {
    let offset = u32::from(c).checked_sub(0x2800)?;
    u8::try_from(offset).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    fn pixel(image: &Image, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * image.width + x) * 3) as usize;
        [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]]
    }

    #[test]
    fn the_bundled_fonts_cover_the_dashboards_glyphs() {
        for c in [
            'a', '│', '─', '╭', '━', '┃', '█', '▒', '▶', '✗', '•', '■', '⊘', '✓',
        ] {
            assert_ne!(fonts().regular.glyph_id(c).0, 0, "{c} missing");
        }
        assert_ne!(fonts().bold.glyph_id('a').0, 0);
        assert_eq!(braille_dots('⣿'), Some(0xff));
        assert_eq!(braille_dots('a'), None);
        assert_eq!(block_part('▌'), Some((0.0, 0.0, 0.5, 1.0)));
        assert_eq!(block_part('▄'), Some((0.0, 0.5, 1.0, 1.0)));
        assert_eq!(block_part('▏'), Some((0.0, 0.0, 0.125, 1.0)));
        assert_eq!(block_part('▒'), None);
        // Drawn by code instead.
        assert_eq!(fonts().regular.glyph_id(PAUSE).0, 0);
    }

    #[test]
    fn size_is_cells_times_scale() {
        assert_eq!(size(100, 30, 1), (840, 510));
        assert_eq!(size(100, 30, 2), (1680, 1020));
        assert_eq!(size(81, 24, 1), (681, 408));
    }

    #[test]
    fn backgrounds_fill_their_cells_and_glyphs_ink_them() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf.set_string(0, 0, "█", Style::new().fg(Color::Rgb(255, 0, 0)));
        buf.set_string(1, 0, " ", Style::new().bg(Color::Rgb(0, 0, 255)));
        buf.set_string(2, 0, "⣿", Style::new().fg(Color::Rgb(0, 255, 0)));
        let image = rasterise(&buf, 2);
        assert_eq!((image.width, image.height), (51, 34));
        // The full block's middle is red, the blue cell is blue throughout.
        assert_eq!(pixel(&image, 8, 17), [255, 0, 0]);
        for (x, y) in [(18, 1), (24, 17), (32, 32)] {
            assert_eq!(pixel(&image, x, y), [0, 0, 255], "({x}, {y})");
        }
        // Braille: eight green dots, and the page between them.
        let green = (34..51)
            .flat_map(|x| (0..34).map(move |y| (x, y)))
            .filter(|&(x, y)| pixel(&image, x, y) == [0, 255, 0])
            .count();
        assert!(green >= 8, "{green} fully green pixels");
        assert_eq!(
            pixel(&image, 42, 8),
            rgb_of(super::super::export::DEFAULT_BG)
        );
    }
}
