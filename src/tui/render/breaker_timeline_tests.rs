//! Unit tests of the breaker timeline: the cell rule against an oracle written from its
//! definition, join and removal times, row choice and progress texts.

use super::*;
use BreakerState::*;

fn tr(at_ns: u64, from: BreakerState, to: BreakerState) -> TransitionRecord {
    TransitionRecord {
        at_ns,
        from,
        to,
        reason: "test",
    }
}

#[test]
fn state_at_reads_the_history() {
    let h = [
        tr(10, Closed, Open),
        tr(20, Open, HalfOpen),
        tr(25, HalfOpen, Closed),
    ];
    assert_eq!(state_at(&h, Closed, 5), Closed);
    assert_eq!(state_at(&h, Closed, 10), Open);
    assert_eq!(state_at(&h, Closed, 19), Open);
    assert_eq!(state_at(&h, Closed, 22), HalfOpen);
    assert_eq!(state_at(&h, Closed, 100), Closed);
    assert_eq!(state_at(&[], Open, 100), Open);
}

/// The oracle, straight from the definition: the history as a list of periods
/// `[from, to)` in one state (zero-length ones included: they happen at their instant),
/// cut to the server's time on the ring.
fn oracle(h: &History<'_>, lo: i128, hi: i128) -> Cell {
    let on_lo = lo.max(i128::from(h.joined_at));
    let on_hi = h.removed_at.map_or(hi, |r| hi.min(i128::from(r)));
    if on_lo >= on_hi {
        return Cell::Blank;
    }
    let mut periods: Vec<(i128, i128, BreakerState)> = Vec::new();
    let mut start = i128::MIN;
    let mut state = h.transitions.first().map_or(h.current, |t| t.from);
    for t in h.transitions {
        periods.push((start, i128::from(t.at_ns), state));
        start = i128::from(t.at_ns);
        state = t.to;
    }
    periods.push((start, i128::MAX, state));
    let touches = |&(a, b, _): &(i128, i128, BreakerState)| {
        if a == b {
            on_lo <= a && a < on_hi
        } else {
            a < on_hi && b > on_lo
        }
    };
    if periods.iter().any(|p| p.2 == HalfOpen && touches(p)) {
        return Cell::HalfOpen;
    }
    let changes: Vec<&TransitionRecord> = h
        .transitions
        .iter()
        .filter(|t| on_lo <= i128::from(t.at_ns) && i128::from(t.at_ns) < on_hi)
        .collect();
    match changes.last() {
        Some(t) => Cell::Change(t.to),
        None => Cell::Steady(periods.iter().find(|p| touches(p)).unwrap().2),
    }
}

/// A small deterministic generator (xorshift) for histories and spans.
struct Gen(u64);
impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn random_history(g: &mut Gen) -> Vec<TransitionRecord> {
    let mut out = Vec::new();
    let mut t = g.next(50);
    let mut state = Closed;
    for _ in 0..g.next(12) {
        // Breaker moves: closed → open → half-open → (closed | open).
        let to = match state {
            Closed => Open,
            Open => HalfOpen,
            HalfOpen if g.next(2) == 0 => Closed,
            HalfOpen => Open,
        };
        out.push(tr(t, state, to));
        state = to;
        // Half-open often lasts 0 ns or a few: the case the rule exists for.
        t += if state == HalfOpen {
            g.next(3)
        } else {
            g.next(40)
        };
    }
    out
}

#[test]
fn cells_match_the_definition() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for _ in 0..400 {
        let trs = random_history(&mut g);
        let current = trs.last().map_or(Closed, |t| t.to);
        let joined_at = g.next(60);
        let removed_at = (g.next(3) == 0).then(|| joined_at + g.next(300));
        let h = History {
            transitions: &trs,
            current,
            joined_at,
            removed_at,
        };
        let now = 100 + g.next(300);
        for cols in [1, 7, 13, 40] {
            let axis = TimeAxis {
                now,
                window: 150,
                cols,
            };
            for c in 0..cols {
                let (lo, hi) = axis.span(c);
                assert_eq!(
                    h.cell(lo, hi),
                    oracle(&h, lo, hi),
                    "{trs:?} {h:?} [{lo},{hi})"
                );
            }
        }
    }
}

#[test]
fn a_zero_length_half_open_shows_and_beats_the_transition_mark() {
    let trs = [
        tr(1_000, Closed, Open),
        tr(5_000, Open, HalfOpen),
        tr(5_000, HalfOpen, Open),
    ];
    let h = History {
        transitions: &trs,
        current: Open,
        joined_at: 0,
        removed_at: None,
    };
    assert_eq!(h.cell(4_000, 6_000), Cell::HalfOpen);
    assert_eq!(h.cell(5_000, 5_001), Cell::HalfOpen);
    assert_eq!(h.cell(5_001, 6_000), Cell::Steady(Open));
    assert_eq!(h.cell(0, 2_000), Cell::Change(Open));
    assert_eq!(h.cell(0, 1_000), Cell::Steady(Closed));
}

#[test]
fn history_starts_at_join_and_ends_at_removal() {
    // Joined at 8 s, removed at 20 s; the window at 25 s over 25 one-second cells.
    let s = 1_000_000_000u64;
    let h = History {
        transitions: &[],
        current: Closed,
        joined_at: 8 * s,
        removed_at: Some(20 * s),
    };
    let axis = TimeAxis {
        now: 25 * s,
        window: 25 * s,
        cols: 25,
    };
    let cells: Vec<Cell> = (0..25)
        .map(|c| {
            let (lo, hi) = axis.span(c);
            h.cell(lo, hi)
        })
        .collect();
    for (c, cell) in cells.iter().enumerate() {
        let expected = if (8..20).contains(&c) {
            Cell::Steady(Closed)
        } else {
            Cell::Blank
        };
        assert_eq!(*cell, expected, "column {c}");
    }
}

#[test]
fn rows_that_do_not_fit_keep_open_breakers_and_count_the_rest() {
    let mut states = vec![Some(Closed); 10];
    states[8] = Some(Open);
    states[9] = Some(HalfOpen);
    states.push(None);
    // All fit: row order kept.
    assert_eq!(
        choose_rows(&states, Some(0), 11).0,
        (0..11).collect::<Vec<_>>()
    );
    // Five lines: four rows and the "+N more" line.
    let (shown, hidden, open) = choose_rows(&states, Some(2), 5);
    assert_eq!(shown, [1, 2, 8, 9]);
    assert_eq!((hidden, open), (7, 0));
    // Two lines: the selected row only; the open and half-open ones are counted.
    let (shown, hidden, open) = choose_rows(&states, Some(0), 2);
    assert_eq!(shown, [0]);
    assert_eq!((hidden, open), (10, 2));
}

#[test]
fn progress_reads_the_counters_and_the_config() {
    let p = BreakerProgress {
        consecutive_failures: 3,
        failure_threshold: 5,
        probe_successes: 2,
        success_threshold: 3,
        probe_at_ns: Some(11_200_000_000),
        forced: false,
        window: None,
    };
    assert_eq!(
        progress_text(&p, Closed, 10_000_000_000, false),
        "3/5 failures"
    );
    assert_eq!(progress_text(&p, Closed, 10_000_000_000, true), "3/5 fail");
    assert_eq!(
        progress_text(&p, Open, 10_000_000_000, false),
        "probe in 1.2s"
    );
    assert_eq!(progress_text(&p, Open, 12_000_000_000, false), "probe due");
    assert_eq!(progress_text(&p, HalfOpen, 0, false), "2/3 successes");
}

#[test]
fn a_window_policy_shows_calls_then_the_failure_rate_rounded_down() {
    let window = |calls, failures| {
        Some(crate::sim::WindowProgress {
            calls,
            failures,
            minimum_calls: 20,
            failure_rate_percent: 50,
        })
    };
    let p = BreakerProgress {
        failure_threshold: 5,
        success_threshold: 3,
        window: window(8, 8),
        ..BreakerProgress::default()
    };
    assert_eq!(progress_text(&p, Closed, 0, false), "8/20 calls");
    // 49.9% reads 49%: the threshold is not reached while closed.
    let p = BreakerProgress {
        window: window(1000, 499),
        ..p
    };
    assert_eq!(progress_text(&p, Closed, 0, false), "49%/50% failed");
    assert_eq!(progress_text(&p, Closed, 0, true), "49%/50%");
    assert_eq!(progress_text(&p, HalfOpen, 0, true), "0/3 ok");
}
