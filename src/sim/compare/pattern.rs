//! The patterns whose algorithm a comparison can choose, and the algorithms of each (kept
//! apart from the settings, which know the scenario, so a command can name a pattern).

/// A pattern whose algorithm a comparison can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Which servers own a key (`ring=`).
    Hashing,
    /// Which requests a tenant may send (`limiter=`).
    Limiter,
    /// When a server's calls are cut off (`breaker=`).
    Breaker,
    /// When a client tries again (`retry=`).
    Retry,
}

impl Pattern {
    /// Every pattern, in the order the settings list them.
    pub const ALL: [Pattern; 4] = [
        Pattern::Hashing,
        Pattern::Limiter,
        Pattern::Breaker,
        Pattern::Retry,
    ];

    /// The setting's name: `ring`, `limiter`, `breaker`, `retry`.
    pub fn key(self) -> &'static str {
        match self {
            Pattern::Hashing => "ring",
            Pattern::Limiter => "limiter",
            Pattern::Breaker => "breaker",
            Pattern::Retry => "retry",
        }
    }

    /// The algorithms the engine runs for this pattern, the scenario's default first.
    pub fn in_engine(self) -> &'static [&'static str] {
        match self {
            Pattern::Hashing => &[
                "ring",
                "jump",
                "rendezvous",
                "maglev",
                "multi-probe",
                "bounded-load",
            ],
            Pattern::Limiter => &[
                "token-bucket",
                "fixed-window",
                "sliding-log",
                "sliding-window",
                "leaky-queue",
                "adaptive-throttling",
                "concurrency",
            ],
            Pattern::Breaker => &["consecutive", "count-window", "time-window"],
            Pattern::Retry => &["fixed", "budget"],
        }
    }

    /// The algorithm after `current` among those the engine runs, wrapping (`None` when
    /// the engine runs only one).
    pub fn next_after(self, current: &str) -> Option<&'static str> {
        let all = self.in_engine();
        if all.len() < 2 {
            return None;
        }
        let at = all.iter().position(|a| *a == current).unwrap_or(0);
        Some(all[(at + 1) % all.len()])
    }

    pub(super) fn of_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}
