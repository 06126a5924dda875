//! The ring panel of an algorithm without a ring (jump, rendezvous, maglev, multi-probe):
//! no circle, since there is none to draw, but what is true — a caption naming the
//! algorithm, and each server's share of the keys (from the engine's owner table) as a
//! bar in its colour, the largest share filling the bar, with its percentage.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::labels::{first_that_fits, width};
use crate::patterns::hashing::Algorithm;
use crate::sim::Snapshot;
use crate::sim::scenario::HashingSpec;
use crate::tui::layout;
use crate::tui::theme::Theme;

/// Whether `spec`'s algorithm places keys on a ring (`ring`, `bounded-load`) that the
/// panel can draw as a circle.
pub fn has_ring(spec: &HashingSpec) -> bool {
    spec.algorithm.uses_vnodes()
}

/// The algorithm with the parameter it reads: `maglev M=65537`, `multi-probe K=21`,
/// `jump`, `rendezvous`.
pub fn algorithm_label(spec: &HashingSpec) -> String {
    match spec.algorithm {
        Algorithm::Maglev => format!("maglev M={}", spec.table_size),
        Algorithm::MultiProbe => format!("multi-probe K={}", spec.probes),
        Algorithm::BoundedLoad => format!("bounded-load ε={}", spec.balance_factor),
        a => a.name().to_string(),
    }
}

/// The bars' area and the legend's in the panel's `inner` area, for `servers` servers:
/// where the ring panel's circle would be, beside the legend; in a panel too narrow for
/// that, across the top (the caption and a bar per server), the legend under it with at
/// least five rows or half the height.
pub fn regions(inner: Rect, servers: usize) -> (Rect, Rect) {
    let r = layout::ring_panel(inner, 0);
    if r.legend.x > r.circle.x {
        return (r.circle, r.legend);
    }
    // The bars before the legend (whose rows list the same servers): leave it five rows.
    let room = (inner.height / 2).max(inner.height.saturating_sub(5));
    let rows = (servers as u16 + 1).min(room);
    let bars = Rect {
        height: rows,
        ..inner
    };
    let legend = Rect {
        y: inner.y + rows,
        height: inner.height - rows,
        ..inner
    };
    (bars, legend)
}

/// The caption, in the longest form that fits `cells`.
fn caption(spec: &HashingSpec, cells: usize) -> String {
    let label = algorithm_label(spec);
    let name = spec.algorithm.name();
    first_that_fits(
        [
            format!("{label}: no ring; shares of the keys"),
            format!("{label}: no ring; key shares"),
            format!("{name}: no ring; key shares"),
            format!("{name}: no ring"),
            "no ring".to_string(),
        ],
        cells,
    )
}

/// Draw the caption and one bar per server (in legend order) into `area`; `+N more` on
/// the last row when they do not all fit.
pub fn render(buf: &mut Buffer, area: Rect, snap: &Snapshot, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    // One column kept free on the right, apart from the legend.
    let cells = usize::from(area.width).saturating_sub(1);
    let text = caption(&snap.hashing, cells);
    if width(&text) <= cells {
        buf.set_string(area.x, area.y, &text, theme.text);
    }
    let rows = usize::from(area.height.saturating_sub(1));
    let servers = &snap.servers;
    let shown = if servers.len() > rows {
        rows.saturating_sub(1)
    } else {
        servers.len()
    };
    let name_w = servers.iter().map(|s| width(&s.name)).max().unwrap_or(0);
    let name_w = name_w.min(cells / 3);
    let peak = servers.iter().map(|s| s.share).fold(0.0, f64::max);
    for (i, s) in servers.iter().enumerate().take(shown) {
        let y = area.y + 1 + i as u16;
        let pct = format!(" {:.1}%", s.share * 100.0);
        let bar_room = cells.saturating_sub(name_w + 1 + width(&pct));
        let name: String = s.name.chars().take(name_w).collect();
        buf.set_string(area.x, y, &name, theme.server_style(i));
        let bar = if peak > 0.0 {
            ((s.share / peak) * bar_room as f64).round() as usize
        } else {
            0
        };
        let x = area.x + (name_w + 1) as u16;
        buf.set_string(x, y, "█".repeat(bar.max(1)), theme.server_style(i));
        buf.set_string(x + bar.max(1) as u16, y, &pct, theme.text);
    }
    if shown < servers.len() {
        let y = area.y + 1 + shown as u16;
        let more = format!("+{} more", servers.len() - shown);
        buf.set_string(area.x, y, more, theme.dim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caption_names_the_algorithm_and_its_parameter() {
        let spec = HashingSpec {
            algorithm: Algorithm::Maglev,
            ..HashingSpec::default()
        };
        assert_eq!(
            caption(&spec, 80),
            "maglev M=65537: no ring; shares of the keys"
        );
        assert_eq!(caption(&spec, 20), "maglev: no ring");
        assert!(!has_ring(&spec));
        assert!(has_ring(&HashingSpec::default()));
    }
}
