//! Monkey test: 100,000 seeded random key, mouse and resize events into the real app,
//! stepping the real engine synchronously and rendering a frame after every event.
//! Nothing may panic and every frame must render.

mod tui_common;

use std::sync::Arc;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::Command;
use ringside::tui::keymap::KEYMAP;
use tui_common::*;

const EVENTS: usize = 100_000;
/// The harness keeps the offered rate bounded so the run stays fast.
const MAX_RATE: f64 = 20_000.0;

/// splitmix64: a tiny seeded generator, so the event sequence is reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn hundred_thousand_random_events_never_panic() {
    let (mut engine, _) = engine_at(0);
    let mut app = app_for(&engine, dark());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut rng = Rng(0x5eed);
    // Every bound key (quit keys excluded so the run continues) plus unbound ones.
    let mut keys: Vec<KeyEvent> = KEYMAP
        .iter()
        .flat_map(|b| b.keys.iter())
        .filter(|k| !matches!(k.code, KeyCode::Char('q')) && !k.ctrl && k.code != KeyCode::Esc)
        .map(|k| KeyEvent::new(k.code, KeyModifiers::NONE))
        .collect();
    keys.extend(
        [
            KeyCode::Char('z'),
            KeyCode::F(5),
            KeyCode::Tab,
            KeyCode::Left,
            KeyCode::Enter,
            KeyCode::Backspace,
        ]
        .map(|c| KeyEvent::new(c, KeyModifiers::NONE)),
    );
    keys.push(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
    let mut frames = 0usize;
    let mut applied = 0usize;
    for i in 0..EVENTS {
        let event = match rng.below(20) {
            0 => {
                // Mostly small sizes (fast), sometimes usable ones, sometimes degenerate.
                let (w, h) = match rng.below(4) {
                    0 => (80 + rng.below(41) as u16, 24 + rng.below(17) as u16),
                    1 => (rng.below(3) as u16, rng.below(3) as u16),
                    _ => (rng.below(80) as u16, rng.below(24) as u16),
                };
                terminal.backend_mut().resize(w, h);
                Event::Resize(w, h)
            }
            1 => Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: rng.below(120) as u16,
                row: rng.below(40) as u16,
                modifiers: KeyModifiers::NONE,
            }),
            // The key prompt (`/`) takes every key while open: a few are typed into it,
            // then Enter traces what was typed and closes it.
            _ if app.view().prompt().is_some() && rng.below(4) == 0 => {
                Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
            }
            _ => Event::Key(keys[rng.below(keys.len() as u64) as usize]),
        };
        for command in app.handle_event(&event) {
            // Refusals are fine; they must be values, not panics.
            let result = engine.apply(command.clone());
            applied += usize::from(result.is_ok());
            app.on_outcome(&ringside::tui::app::Outcome::new(
                command,
                result,
                engine.now(),
                engine.session(),
            ));
        }
        if i % 10 == 0 {
            engine.advance(50_000_000);
        }
        let mut snapshot = engine.snapshot();
        if snapshot.rate > MAX_RATE {
            engine.apply(Command::SetRate(2_000.0)).unwrap();
            snapshot = engine.snapshot();
        }
        app.set_snapshot(Arc::new(snapshot));
        terminal.draw(|f| app.render(f)).unwrap();
        frames += 1;
    }
    assert_eq!(frames, EVENTS);
    assert!(
        applied > EVENTS / 4,
        "the engine accepted {applied} commands"
    );
    assert!(!app.should_quit());
}
