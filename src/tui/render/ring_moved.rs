//! What the last membership change moved, shown: where the hash space changed owner, the
//! outer half of the ring's band is drawn in the *old* owner's colour and the inner half
//! (as everywhere) in the *new* owner's, for [`MOVED_ARCS_NS`] of virtual time; and below the legend the change stays until the next one: what happened,
//! "moved X% of keys (ideal Y%)", and per server how many keys it gained and lost.
//!
//! A removed server keeps its palette colour (the colour of its legend position before it
//! left) while its old arcs are shown, unless a server on the ring now has that colour
//! (colours follow legend positions, which shift when a server leaves) and a free one
//! exists (see [`palette_index`]); so its keys are seen spreading to its clockwise
//! neighbours: the marked arcs are exactly its former arcs, each now banded in the colour
//! of the next server clockwise.
//!
//! [`MovedArcs`] answers for any ring position, so the ring panel paints it at its own
//! resolution.

use ratatui::text::{Line, Span};

use super::format::compact;
use super::labels;
use crate::sim::{KeyShift, MembershipAction, MembershipChange, PreviousRing, RingPoint, Snapshot};
use crate::tui::theme::Theme;

/// How long (virtual ns) the arcs that changed owner stay marked on the ring after a
/// membership change: as long as the engine keeps the ring before it (the text below the
/// legend stays until the next change).
pub const MOVED_ARCS_NS: u64 = crate::sim::PREVIOUS_RING_KEPT_NS;

/// A point on the canvas `(x, y)`.
type Point = (f64, f64);

/// The last change's old ring, while its moved arcs are still shown at `snap.now_ns`.
pub fn shown_previous(snap: &Snapshot) -> Option<&PreviousRing> {
    let last = snap.membership_changes.last()?;
    snap.previous_ring
        .as_ref()
        .filter(|p| p.at_ns == last.at_ns && snap.now_ns.saturating_sub(p.at_ns) < MOVED_ARCS_NS)
}

/// The palette index of server `name` in the last change's drawing: a server on the ring
/// has its legend row's; a server no longer on the ring keeps the one of the row it had
/// (the servers are sorted by name), unless a server on the ring now shows that colour
/// and the palette has one no server uses: then that one, so old and new owners differ.
pub fn palette_index(snap: &Snapshot, name: &str, theme: &Theme) -> usize {
    match snap.servers.binary_search_by(|s| s.name.as_str().cmp(name)) {
        Ok(row) => row,
        Err(row) => {
            let (n, colours) = (snap.servers.len(), theme.server_colours());
            if row < n && n < colours { n } else { row }
        }
    }
}

/// The arcs that changed owner in the last change, while they are shown: for any ring
/// position, the palette index of its old owner if its owner changed.
pub struct MovedArcs<'a> {
    before: &'a [RingPoint],
    after: &'a [RingPoint],
    /// Palette index of each ring id before the change: the servers' own, and the
    /// removed server's (see [`palette_index`]).
    index: Vec<Option<usize>>,
}

impl<'a> MovedArcs<'a> {
    /// The last change's moved arcs, or `None` when none are shown at `snap.now_ns`.
    pub fn of(snap: &'a Snapshot, theme: &Theme) -> Option<Self> {
        let prev = shown_previous(snap)?;
        let mut index: Vec<Option<usize>> = Vec::new();
        let mut set = |id: u32, i: usize| {
            let id = id as usize;
            if index.len() <= id {
                index.resize(id + 1, None);
            }
            index[id] = Some(i);
        };
        for (i, s) in snap.servers.iter().enumerate() {
            set(s.id, i);
        }
        if let Some((id, name)) = &prev.removed {
            set(*id, palette_index(snap, name, theme));
        }
        Some(Self {
            before: &prev.points,
            after: &snap.ring_points,
            index,
        })
    }

    /// The palette index of `position`'s old owner when its owner changed, else `None`.
    pub fn old_owner(&self, position: u128) -> Option<usize> {
        let was = owner_of(self.before, position)?;
        if Some(was) == owner_of(self.after, position) {
            return None;
        }
        self.index.get(was as usize).copied().flatten()
    }
}

/// The ring id owning `position` among `points`: the first point strictly after it,
/// wrapping (the engine's rule).
pub fn owner_of(points: &[RingPoint], position: u128) -> Option<u32> {
    if points.is_empty() {
        return None;
    }
    let next = points.partition_point(|p| p.position <= position) % points.len();
    Some(points[next].server)
}

/// The samples (of `samples` around the circle, sample `k` at `(k + ½)/samples` of it)
/// whose owner changed in the last change, grouped by old owner's palette index: the
/// points at `radius` given by `point(position, radius)`. Empty when nothing is shown.
pub fn moved_marks(
    snap: &Snapshot,
    theme: &Theme,
    samples: usize,
    radius: f64,
    point: impl Fn(u128, f64) -> Point,
) -> Vec<(usize, Vec<Point>)> {
    let Some(moved) = MovedArcs::of(snap, theme) else {
        return Vec::new();
    };
    let mut groups: Vec<(usize, Vec<Point>)> = Vec::new();
    for k in 0..samples {
        let pos = ((k as f64 + 0.5) / samples as f64 * 2f64.powi(128)) as u128;
        let Some(i) = moved.old_owner(pos) else {
            continue;
        };
        match groups.iter_mut().find(|(g, _)| *g == i) {
            Some((_, pts)) => pts.push(point(pos, radius)),
            None => groups.push((i, vec![point(pos, radius)])),
        }
    }
    groups
}

/// The legend's lines about the last change (none before the first): what happened, how
/// many keys moved beside the ideal, per server the keys gained and lost (in at most
/// `height / 6` lines, at least one), and what the outer band means while it is drawn.
/// Stays until the next change. `height` is the legend's height.
pub fn legend_lines(
    snap: &Snapshot,
    width: usize,
    height: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(c) = snap.membership_changes.last() else {
        return Vec::new();
    };
    let mut lines = Vec::from(moved_lines(c, width, theme));
    let budget = usize::from(height / 6).max(1);
    lines.extend(shift_lines(snap, &c.shifts, width, budget, theme));
    let band = super::key_shares::has_ring(&snap.hashing);
    if band && shown_previous(snap).is_some() && height >= 12 {
        lines.push(Line::from(vec![
            Span::styled("◠", theme.accent),
            Span::styled(" band's outer half: old owner", theme.dim),
        ]));
    }
    lines
}

/// The last membership change: what happened, and how many keys moved beside the ideal
/// (a shorter form when `width` is narrow).
fn moved_lines(c: &MembershipChange, width: usize, theme: &Theme) -> [Line<'static>; 2] {
    let head = match c.action {
        MembershipAction::AddServer => format!("added {}:", c.server),
        MembershipAction::RemoveServer => format!("removed {}:", c.server),
        MembershipAction::SetWeight => format!("reweighted {}:", c.server),
        MembershipAction::SetVnodes => format!("{} vnodes per server:", c.vnodes),
    };
    let head = Line::styled(labels::pad(&head, width), theme.text);
    let (moved, ideal) = (c.moved_fraction * 100.0, c.ideal_fraction * 100.0);
    let long = format!("moved {moved:.1}% of keys (ideal {ideal:.1}%)");
    let text = if labels::width(&long) <= width {
        long
    } else {
        format!("moved {moved:.1}% (ideal {ideal:.1}%)")
    };
    [head, Line::styled(text, theme.accent)]
}

/// Per server, `■name +gained −lost` (zero parts left out), the biggest changes first,
/// packed into at most `max` lines of `width` cells; what does not fit is counted as
/// `+k more`.
fn shift_lines(
    snap: &Snapshot,
    shifts: &[KeyShift],
    width: usize,
    max: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut order: Vec<&KeyShift> = shifts.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.gained + s.lost));
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (n, s) in order.iter().enumerate() {
        let mut text = s.server.clone();
        if s.gained > 0 {
            text.push_str(&format!(" +{}", compact(s.gained)));
        }
        if s.lost > 0 {
            text.push_str(&format!(" −{}", compact(s.lost)));
        }
        let cells = 1 + labels::width(&text) + usize::from(used > 0);
        // On the last line, keep room to say how many are left out.
        let rest = order.len() - n - 1;
        let reserve = if lines.len() == max && rest > 0 {
            labels::width(&format!(" +{rest} more"))
        } else {
            0
        };
        if used > 0 && used + cells + reserve > width {
            if lines.len() == max {
                let more = format!(" +{} more", order.len() - n);
                let last = lines.last_mut().expect("one line at least");
                last.push(Span::styled(more, theme.dim));
                break;
            }
            lines.push(Vec::new());
            used = 0;
        }
        let line = lines.last_mut().expect("one line at least");
        if used > 0 {
            line.push(Span::raw(" "));
        }
        line.push(Span::styled(
            "■",
            theme.server_style(palette_index(snap, &s.server, theme)),
        ));
        line.push(Span::styled(text, theme.text));
        used += cells;
    }
    lines
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(Line::from)
        .collect()
}
