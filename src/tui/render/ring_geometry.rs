//! Where the ring is drawn: the circle's canvas, its radii (the ownership band, the
//! selection track, the key dots), the map from a ring position to a point, and a painter
//! for ring-shaped layers at braille resolution.
//!
//! Overlays (a traced key, moved arcs) use this to draw on the circle: canvas points from
//! [`RingGeometry::point`] with a ratatui `Canvas` over [`RingGeometry::x_bounds`] and
//! [`RingGeometry::y_bounds`], whole annuli with [`RingGeometry::paint_annulus`], text at
//! [`RingGeometry::cell_at`].
//!
//! Units: the circle's outer edge has radius 1; terminal cells are about twice as tall as
//! wide, so a braille dot (2×4 per cell) is square and the circle is as wide in columns as
//! twice its height in rows.

use std::f64::consts::TAU;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Color;
use ratatui::symbols::braille::BRAILLE;

/// 2^128 as an `f64` (exact: a power of two).
const TWO_POW_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

/// The ownership band's width as a fraction of the radius.
const BAND_FRACTION: f64 = 0.2;
/// The band is at least this many braille dots wide, so even a small ring reads as arcs.
const BAND_MIN_DOTS: f64 = 3.0;
/// Dots between the band and the selection track.
const TRACK_GAP_DOTS: f64 = 1.0;
/// The selection track's width (braille dots).
const TRACK_DOTS: f64 = 2.0;
/// Dots between the selection track and the circle of key dots.
const KEYS_GAP_DOTS: f64 = 2.0;

/// A point on the canvas `(x, y)`, in the geometry's units.
pub type Point = (f64, f64);

/// Where the ring is drawn in a canvas area and how ring positions map onto it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RingGeometry {
    /// The canvas's cells.
    pub area: Rect,
    /// Canvas bounds, left to right (the circle's centre is at x = 0).
    pub x_bounds: [f64; 2],
    /// Canvas bounds, bottom to top (the circle's centre is at y = 0).
    pub y_bounds: [f64; 2],
    /// The ownership band: inner and outer radius (outer = 1).
    pub band: (f64, f64),
    /// The selection track (the selected server's arcs alone): inner and outer radius.
    pub track: (f64, f64),
    /// Radius of the circle of recent key dots.
    pub keys: f64,
    /// The side of one braille dot, in the geometry's units.
    pub dot: f64,
}

impl RingGeometry {
    /// The geometry of a circle drawn in `area` (best with `width = 2 × height`, which
    /// [`ring_panel`](crate::tui::layout::ring_panel) gives; any other shape keeps the
    /// circle round and centred, touching the shorter side).
    pub fn new(area: Rect) -> Self {
        let dots_w = 2.0 * f64::from(area.width.max(1));
        let dots_h = 4.0 * f64::from(area.height.max(1));
        // Radius 1 is half the shorter side, in dots.
        let dot = 2.0 / dots_w.min(dots_h);
        let x_half = dots_w * dot / 2.0;
        let y_half = dots_h * dot / 2.0;
        let band_inner = 1.0 - (BAND_FRACTION).max(BAND_MIN_DOTS * dot);
        let track_outer = band_inner - TRACK_GAP_DOTS * dot;
        let track_inner = track_outer - TRACK_DOTS * dot;
        Self {
            area,
            x_bounds: [-x_half, x_half],
            y_bounds: [-y_half, y_half],
            band: (band_inner, 1.0),
            track: (track_inner, track_outer),
            keys: track_inner - KEYS_GAP_DOTS * dot,
            dot,
        }
    }

    /// The point of ring position `position` on the circle of `radius` (0 at the top,
    /// clockwise: a quarter of the ring is at the right).
    pub fn point(&self, position: u128, radius: f64) -> Point {
        let a = angle(position);
        (radius * a.sin(), radius * a.cos())
    }

    /// The cell under canvas point `p`, if inside the area.
    pub fn cell_at(&self, p: Point) -> Option<Position> {
        let col = ((p.0 - self.x_bounds[0]) / (2.0 * self.dot)).floor();
        let row = ((self.y_bounds[1] - p.1) / (4.0 * self.dot)).floor();
        let inside = (0.0..f64::from(self.area.width)).contains(&col)
            && (0.0..f64::from(self.area.height)).contains(&row);
        inside.then(|| Position::new(self.area.x + col as u16, self.area.y + row as u16))
    }

    /// Paint the annulus between radii `inner` and `outer` at braille resolution: each dot
    /// whose centre lies in it gets `colour_at(position)` of the ring position at its angle
    /// (`None`: left blank); a cell, which shows one colour, takes the colour most of its
    /// dots have (the first one met on a tie), so a thin arc shows where it covers most of
    /// a cell and is never widened. Only symbol and foreground are set; a cell already
    /// holding braille keeps its dots (the union is drawn).
    pub fn paint_annulus(
        &self,
        buf: &mut Buffer,
        inner: f64,
        outer: f64,
        mut colour_at: impl FnMut(u128) -> Option<Color>,
    ) {
        // Farthest a dot centre is from its cell's centre.
        let reach = self.dot * 5f64.sqrt() * 1.5;
        for row in 0..self.area.height {
            for col in 0..self.area.width {
                let centre = self.dot_centre(col, row, 1.0, 2.0);
                let r = centre.0.hypot(centre.1);
                if r + reach < inner || r - reach > outer {
                    continue;
                }
                let mut bits = 0usize;
                let mut votes: [(Option<Color>, u8); 8] = [(None, 0); 8];
                for dy in 0..4u8 {
                    for dx in 0..2u8 {
                        let p = self.dot_centre(col, row, f64::from(dx) + 0.5, f64::from(dy) + 0.5);
                        let r = p.0.hypot(p.1);
                        if r < inner || r > outer {
                            continue;
                        }
                        let Some(colour) = colour_at(position_at(p)) else {
                            continue;
                        };
                        bits |= 1 << (dy * 2 + dx);
                        if let Some(v) = votes.iter_mut().find(|v| v.0.is_none_or(|c| c == colour))
                        {
                            *v = (Some(colour), v.1 + 1);
                        }
                    }
                }
                let winner = votes.iter().filter(|v| v.0.is_some()).max_by(|a, b| {
                    // Most votes; on a tie the first met (max_by keeps the last of equals).
                    a.1.cmp(&b.1).then(std::cmp::Ordering::Greater)
                });
                if let Some(&(Some(colour), _)) = winner {
                    let pos = Position::new(self.area.x + col, self.area.y + row);
                    if let Some(cell) = buf.cell_mut(pos) {
                        // A cell shared with an earlier layer keeps that layer's dots; the
                        // colour goes to whichever layer has more of them.
                        let before = cell.symbol().chars().next().and_then(braille_bits);
                        let old = before.unwrap_or(0);
                        cell.set_char(BRAILLE[bits | old]);
                        if bits.count_ones() >= old.count_ones() {
                            cell.set_fg(colour);
                        }
                    }
                }
            }
        }
    }

    /// The canvas point at (`dx`, `dy`) dots from the top-left corner of cell
    /// (`col`, `row`) of the area.
    fn dot_centre(&self, col: u16, row: u16, dx: f64, dy: f64) -> Point {
        (
            self.x_bounds[0] + (2.0 * f64::from(col) + dx) * self.dot,
            self.y_bounds[1] - (4.0 * f64::from(row) + dy) * self.dot,
        )
    }
}

/// The dots (row-major bits, as [`BRAILLE`] is indexed) of a braille character.
fn braille_bits(c: char) -> Option<usize> {
    BRAILLE.iter().position(|&b| b == c)
}

/// Angle (radians, clockwise from the top) of a ring position.
pub fn angle(position: u128) -> f64 {
    turns(position) * TAU
}

/// The fraction of the whole ring from 0 to `position` (or the length of an arc of
/// `position` positions), in [0, 1).
pub fn turns(position: u128) -> f64 {
    position as f64 / TWO_POW_128
}

/// The ring position at the angle of canvas point `p` (the inverse of [`angle`]).
fn position_at(p: Point) -> u128 {
    let a = p.0.atan2(p.1).rem_euclid(TAU);
    // `as` saturates: an angle rounding up to a whole turn reads as the last position.
    (a / TAU * TWO_POW_128) as u128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_square_and_the_circle_touches_the_shorter_side() {
        for (w, h) in [(28u16, 14u16), (40, 10), (10, 20), (1, 1)] {
            let g = RingGeometry::new(Rect::new(0, 0, w, h));
            let (xs, ys) = (g.x_bounds[1] - g.x_bounds[0], g.y_bounds[1] - g.y_bounds[0]);
            assert!((xs / (2.0 * f64::from(w)) - g.dot).abs() < 1e-12);
            assert!((ys / (4.0 * f64::from(h)) - g.dot).abs() < 1e-12);
            assert!((xs.min(ys) - 2.0).abs() < 1e-12, "{w}x{h}");
            assert!(g.keys > 0.0 || w < 4, "{w}x{h}: {g:?}");
            assert!(g.track.1 < g.band.0 && g.keys < g.track.0);
        }
        let g = RingGeometry::new(Rect::new(0, 0, 28, 14));
        assert_eq!((g.x_bounds, g.y_bounds), ([-1.0, 1.0], [-1.0, 1.0]));
    }

    #[test]
    fn positions_go_clockwise_from_the_top_and_back() {
        let g = RingGeometry::new(Rect::new(0, 0, 28, 14));
        let (x, y) = g.point(1u128 << 126, 1.0);
        assert!(
            (x - 1.0).abs() < 1e-12 && y.abs() < 1e-12,
            "a quarter is right"
        );
        assert!((angle(u128::MAX) - TAU).abs() < 1e-9);
        for pos in [0u128, 1 << 100, 1 << 126, 3 << 126, u128::MAX / 3 * 2] {
            let back = position_at(g.point(pos, 0.5)) as f64;
            assert!((back - pos as f64).abs() < 1e-9 * TWO_POW_128, "{pos}");
        }
        assert_eq!(g.cell_at((-1.0, 1.0)), Some(Position::new(0, 0)));
        assert_eq!(g.cell_at((0.99, -0.99)), Some(Position::new(27, 13)));
        assert_eq!(g.cell_at((0.0, 1.5)), None);
    }

    #[test]
    fn an_annulus_takes_the_majority_colour_of_each_cell() {
        let area = Rect::new(0, 0, 28, 14);
        let g = RingGeometry::new(area);
        let mut buf = Buffer::empty(area);
        // The right half of the ring red, the left half blue.
        g.paint_annulus(&mut buf, g.band.0, g.band.1, |p| {
            Some(if p < 1 << 127 {
                Color::Red
            } else {
                Color::Blue
            })
        });
        assert_eq!(buf[(27, 7)].fg, Color::Red);
        assert_eq!(buf[(0, 7)].fg, Color::Blue);
        assert_eq!(buf[(14, 7)].symbol(), " ", "the centre stays blank");
        let painted = buf.content.iter().filter(|c| c.symbol() != " ").count();
        assert!(painted > 40, "a band, not a line: {painted} cells");
        // Nothing where the colour function says none.
        let mut buf = Buffer::empty(area);
        g.paint_annulus(&mut buf, g.band.0, g.band.1, |p| {
            (p < 1 << 126).then_some(Color::Red)
        });
        assert_eq!(buf[(0, 7)].symbol(), " ");
        assert_eq!(buf[(27, 5)].fg, Color::Red);
        // A second layer sharing a cell adds its dots to the first's.
        let mut buf = Buffer::empty(area);
        buf[(0, 0)].set_char(BRAILLE[0b1]).set_fg(Color::Blue);
        g.paint_annulus(&mut buf, 0.0, 10.0, |_| Some(Color::Red));
        assert_eq!(buf[(0, 0)].symbol(), "⣿");
        assert_eq!(buf[(0, 0)].fg, Color::Red);
    }
}
