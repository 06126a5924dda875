//! [`CircuitBreaker`]: the single-threaded breaker core.

use std::collections::VecDeque;

use super::config::BreakerConfig;
use super::counters::Counters;
use super::permit::{Outcome, Permit, Rejected};
use super::policy::TripPolicy;
use super::state::{Forced, State};
use super::transition::{Reason, Transition};
use super::window::{CallWindow, WindowTally};
use crate::patterns::Nanos;

/// `retry_after` reported while forced open: there is no timeout to wait for.
pub const FORCED_OPEN_RETRY_AFTER: Nanos = Nanos::MAX;

/// A single-threaded breaker core (`&mut self`); wrap it in `realtime::SyncBreaker` to share.
///
/// Generations: the generation is bumped on every state change and on every operator
/// action (force open/closed, reset), even one that leaves the state unchanged, because
/// an operator action starts a fresh epoch. A [`Permit`] from another generation is
/// *stale*: recording it changes neither the state nor the consecutive counts, but the
/// call did happen, so it still counts in [`Counters::successes`] / [`Counters::failures`]
/// (keeping `successes + failures <= calls`).
///
/// Transition times are clamped to be non-decreasing: a `now` earlier than the last
/// transition (e.g. two threads reading a clock then racing for the lock) is treated
/// as the time of that transition.
///
/// Two steps per call — acquire a permit, make the call (no lock held), record its
/// outcome — on the caller's clock (here simulated):
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, Rejected, State};
///
/// const fn ms(n: u64) -> Nanos {
///     Nanos::from_millis(n)
/// }
/// /// One protected call to a service that answers `ok`.
/// fn call(breaker: &mut CircuitBreaker, ok: bool, now: Nanos) -> Result<bool, Rejected> {
///     let permit = breaker.acquire(now)?;
///     let outcome = if ok {
///         Outcome::Success
///     } else {
///         Outcome::Failure
///     };
///     breaker.record(permit, outcome, now);
///     Ok(ok)
/// }
///
/// let config = BreakerConfig::builder()
///     .failure_threshold(2)
///     .recovery_timeout(ms(1_000))
///     .success_threshold(1)
///     .build()?;
/// let mut breaker = CircuitBreaker::new(config);
/// assert_eq!(call(&mut breaker, false, ms(0)), Ok(false));
/// assert_eq!(call(&mut breaker, false, ms(1)), Ok(false)); // the second failure opens it
/// assert_eq!(breaker.state(), State::Open);
/// // Calls fail fast without reaching the service until the recovery timeout has passed.
/// let retry_after = ms(999);
/// assert_eq!(
///     call(&mut breaker, true, ms(2)),
///     Err(Rejected::Open { retry_after })
/// );
/// // Then one probe goes through; its success closes the breaker.
/// assert_eq!(call(&mut breaker, true, ms(1_001)), Ok(true));
/// assert_eq!(breaker.state(), State::Closed);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: State,
    forced: Option<Forced>,
    generation: u64,
    /// Closed: consecutive failures so far (consecutive policy).
    consecutive_failures: u32,
    /// Closed: the recent calls (window policies).
    window: CallWindow,
    /// Half-open: probe successes so far.
    probe_successes: u32,
    /// Half-open: probe permits issued and not yet recorded or cancelled.
    probes_in_flight: u32,
    /// Time of the last state change (opening time while open).
    changed_at: Nanos,
    counters: Counters,
    history: VecDeque<Transition>,
}

impl CircuitBreaker {
    /// A closed breaker. The history's storage is allocated here, once.
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            state: State::Closed,
            forced: None,
            generation: 0,
            consecutive_failures: 0,
            window: CallWindow::new(config.policy()),
            probe_successes: 0,
            probes_in_flight: 0,
            changed_at: Nanos::ZERO,
            counters: Counters::default(),
            history: VecDeque::with_capacity(config.history()),
        }
    }

    /// Ask to make a call at `now`.
    ///
    /// An open breaker whose recovery timeout has elapsed (`now - opened_at >=
    /// recovery_timeout`) moves to half-open here, at `now`, and this call becomes
    /// its first probe. While forced open the rejection carries
    /// [`FORCED_OPEN_RETRY_AFTER`].
    #[inline]
    pub fn acquire(&mut self, now: Nanos) -> Result<Permit, Rejected> {
        self.acquire_with_clock(|| now)
    }

    /// [`acquire`](Self::acquire) with a lazily read clock: `now` is called at most
    /// once, and only when the time matters (while open, or closed under a window policy,
    /// whose permits carry their acquire time for slow calls). A closed breaker under the
    /// consecutive policy never calls it, which keeps clock reads off the hot path of
    /// `realtime::SyncBreaker`.
    #[inline]
    pub fn acquire_with_clock(&mut self, now: impl FnOnce() -> Nanos) -> Result<Permit, Rejected> {
        match self.state {
            State::Closed => {
                self.counters.calls += 1;
                let acquired_at = match self.config.policy() {
                    TripPolicy::Consecutive => Nanos::ZERO,
                    _ => now(),
                };
                Ok(Permit {
                    generation: self.generation,
                    probe: false,
                    acquired_at,
                })
            }
            State::Open => {
                let now = now();
                let retry_after = self.retry_after_open(now);
                if retry_after > Nanos::ZERO {
                    self.counters.rejected += 1;
                    return Err(Rejected::Open { retry_after });
                }
                self.transition(State::HalfOpen, Reason::RecoveryTimeout, now);
                Ok(self.issue_probe())
            }
            State::HalfOpen => {
                if self.probes_in_flight >= self.config.half_open_max_probes() {
                    self.counters.rejected += 1;
                    return Err(Rejected::ProbeLimit);
                }
                Ok(self.issue_probe())
            }
        }
    }

    /// Record the outcome of a permitted call at `now`.
    ///
    /// A stale permit (another generation) only updates the counters. A current probe
    /// permit releases its probe slot.
    #[inline]
    pub fn record(&mut self, permit: Permit, outcome: Outcome, now: Nanos) {
        self.record_with_clock(permit, outcome, || now);
    }

    /// [`record`](Self::record) with a lazily read clock: `now` is called at most
    /// once, and only when the outcome causes a transition.
    #[inline]
    pub fn record_with_clock(
        &mut self,
        permit: Permit,
        outcome: Outcome,
        now: impl FnOnce() -> Nanos,
    ) {
        match outcome {
            Outcome::Success => self.counters.successes += 1,
            Outcome::Failure => self.counters.failures += 1,
        }
        if permit.generation != self.generation {
            return;
        }
        match (self.state, outcome) {
            (State::Closed, _) => self.record_closed(permit.acquired_at, outcome, now),
            (State::HalfOpen, _) if permit.probe => {
                self.probes_in_flight = self.probes_in_flight.saturating_sub(1);
                if outcome == Outcome::Failure {
                    self.transition(State::Open, Reason::ProbeFailed, now());
                } else {
                    self.probe_successes = self.probe_successes.saturating_add(1);
                    if self.probe_successes >= self.config.success_threshold() {
                        self.transition(State::Closed, Reason::ProbesSucceeded, now());
                    }
                }
            }
            // Open never issues permits, and half-open only issues probes: a current
            // permit here was not issued by this breaker, so it changes nothing.
            _ => {}
        }
    }

    /// A current permit's outcome while closed, under the policy: the consecutive count,
    /// or the window (judged at `now`, the call slow when it took longer than the
    /// policy's `slow_call`). Forced closed ignores failures.
    #[inline]
    fn record_closed(&mut self, acquired_at: Nanos, outcome: Outcome, now: impl FnOnce() -> Nanos) {
        let Some(rates) = self.config.policy().rates() else {
            match outcome {
                Outcome::Success => self.consecutive_failures = 0,
                Outcome::Failure => {
                    if self.forced == Some(Forced::Closed) {
                        return;
                    }
                    self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                    if self.consecutive_failures >= self.config.failure_threshold() {
                        self.transition(State::Open, Reason::FailureThreshold, now());
                    }
                }
            }
            return;
        };
        if self.forced == Some(Forced::Closed) {
            return;
        }
        let now = now();
        let slow = now.saturating_sub(acquired_at) > rates.slow_call;
        let tally = self.window.record(outcome == Outcome::Failure, slow, now);
        if rates.trips(tally.calls, tally.failures, tally.slow) {
            self.transition(State::Open, Reason::RateThreshold, now);
        }
    }

    /// Give a permit back without an outcome (the call was never made, or was
    /// abandoned): a current probe permit frees its slot; nothing else changes.
    pub fn cancel(&mut self, permit: Permit) {
        if permit.probe && permit.generation == self.generation && self.state == State::HalfOpen {
            self.probes_in_flight = self.probes_in_flight.saturating_sub(1);
        }
    }

    /// Whether an [`acquire`](Self::acquire) at `now` would be admitted (a permit, or a
    /// probe), without changing anything: where a router predicts a call would go. Open
    /// admits once its recovery timeout has elapsed (never while forced open); half-open
    /// admits while it has probe slots.
    pub fn admits(&self, now: Nanos) -> bool {
        match self.state {
            State::Closed => true,
            State::Open => self.retry_after_open(now) == Nanos::ZERO,
            State::HalfOpen => self.probes_in_flight < self.config.half_open_max_probes(),
        }
    }

    /// Current state (an open breaker past its timeout still reports `Open`
    /// until the next acquire moves it).
    pub fn state(&self) -> State {
        self.state
    }

    /// The state an [`acquire`](Self::acquire) at `now` would see: like
    /// [`state`](Self::state), but an open breaker whose timeout has elapsed by `now`
    /// reports `HalfOpen`. For drawing; changes nothing.
    pub fn state_at(&self, now: Nanos) -> State {
        if self.state == State::Open && self.retry_after_open(now) == Nanos::ZERO {
            State::HalfOpen
        } else {
            self.state
        }
    }

    /// Nanoseconds until an open breaker admits a probe, as of `now`; `None` when an
    /// acquire at `now` would not be rejected as open. Forced open gives
    /// [`FORCED_OPEN_RETRY_AFTER`].
    pub fn retry_after(&self, now: Nanos) -> Option<Nanos> {
        if self.state != State::Open {
            return None;
        }
        Some(self.retry_after_open(now)).filter(|&left| left > Nanos::ZERO)
    }

    /// The operator override in effect, if any.
    pub fn forced(&self) -> Option<Forced> {
        self.forced
    }

    /// Consecutive failures counted while closed.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// A window policy's window as of `now` (`None` under the consecutive policy); empty
    /// except while closed, since every transition starts a fresh window.
    pub fn window_tally(&self, now: Nanos) -> Option<WindowTally> {
        self.window.tally(now)
    }

    /// Probe successes counted in the current half-open period.
    pub fn probe_successes(&self) -> u32 {
        self.probe_successes
    }

    /// Probe permits outstanding in the current half-open period.
    pub fn probes_in_flight(&self) -> u32 {
        self.probes_in_flight
    }

    /// Time of the last state change (the opening time while open); zero before any.
    pub fn changed_at(&self) -> Nanos {
        self.changed_at
    }

    /// The configuration.
    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    /// Change the configuration; the state, counts and generation are kept.
    ///
    /// New thresholds apply from the next acquire/record (a count already at or over
    /// a lowered threshold trips on the next matching outcome). A different
    /// [`TripPolicy`] starts with an empty window. A smaller `history` drops the oldest
    /// transitions; this call may allocate.
    pub fn set_config(&mut self, config: BreakerConfig) {
        if self.history.len() > config.history() {
            let excess = self.history.len() - config.history();
            self.history.drain(..excess);
        }
        if config.history() > self.history.capacity() {
            self.history
                .reserve_exact(config.history() - self.history.len());
        } else {
            self.history.shrink_to(config.history());
        }
        if config.policy() != self.config.policy() {
            self.window = CallWindow::new(config.policy());
        }
        self.config = config;
    }

    /// Current generation (bumped on each transition and operator action).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Transitions, oldest first (bounded by `config.history()`).
    pub fn transitions(
        &self,
    ) -> impl ExactSizeIterator<Item = &Transition> + DoubleEndedIterator + '_ {
        self.history.iter()
    }

    /// Capacity of the history's storage, for the test that it never reallocates.
    #[cfg(test)]
    pub(super) fn history_capacity(&self) -> usize {
        self.history.capacity()
    }

    /// Counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Force open at `now` (stays open, rejecting, ignoring the recovery timeout,
    /// until forced closed or reset). Recorded as a `ForcedOpen` transition unless
    /// already open.
    pub fn force_open(&mut self, now: Nanos) {
        self.forced = Some(Forced::Open);
        self.operator_change(State::Open, Reason::ForcedOpen, now);
    }

    /// Force closed at `now` (stays closed, admitting everything and ignoring
    /// failures, until reset). Recorded as a `ForcedClosed` transition unless
    /// already closed.
    pub fn force_closed(&mut self, now: Nanos) {
        self.forced = Some(Forced::Closed);
        self.operator_change(State::Closed, Reason::ForcedClosed, now);
    }

    /// Back to a plain closed breaker at `now`: override cleared, consecutive and probe
    /// counts zeroed, permits issued before now stale. [`Counters`] are cumulative
    /// traffic totals and are kept. Recorded as a `Reset` transition unless already closed.
    pub fn reset(&mut self, now: Nanos) {
        self.forced = None;
        self.operator_change(State::Closed, Reason::Reset, now);
    }

    fn operator_change(&mut self, to: State, reason: Reason, now: Nanos) {
        if self.state == to {
            // No transition, but a new epoch: outstanding permits become stale.
            self.new_epoch();
        } else {
            self.transition(to, reason, now);
        }
    }

    #[inline]
    fn issue_probe(&mut self) -> Permit {
        self.probes_in_flight += 1;
        self.counters.calls += 1;
        Permit {
            generation: self.generation,
            probe: true,
            acquired_at: Nanos::ZERO,
        }
    }

    /// While open: the time left before a probe is admitted (zero = admit now).
    #[inline]
    fn retry_after_open(&self, now: Nanos) -> Nanos {
        if self.forced == Some(Forced::Open) {
            return FORCED_OPEN_RETRY_AFTER;
        }
        let elapsed = now - self.changed_at;
        self.config.recovery_timeout() - elapsed
    }

    #[cold]
    /// A new generation with fresh counts: permits issued before it become stale.
    fn new_epoch(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.consecutive_failures = 0;
        self.window.clear();
        self.probe_successes = 0;
        self.probes_in_flight = 0;
    }

    fn transition(&mut self, to: State, reason: Reason, now: Nanos) {
        let at = now.max(self.changed_at);
        let from = self.state;
        self.state = to;
        self.changed_at = at;
        self.new_epoch();
        if self.config.history() == 0 {
            return;
        }
        if self.history.len() >= self.config.history() {
            self.history.pop_front();
        }
        self.history.push_back(Transition {
            at,
            from,
            to,
            reason,
        });
    }
}
