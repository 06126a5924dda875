//! Render of a full dashboard frame at 200×60 into a TestBackend (target ≤ 2 ms), from a
//! snapshot of the default scenario at 10 s (four servers, an open breaker, a burst).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::{Engine, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::theme::{Theme, ThemeKind};

fn render(c: &mut Criterion) {
    let scenario = Scenario::load("default").unwrap();
    let mut engine = Engine::from_scenario(&scenario, Some(1)).unwrap();
    engine.advance(10_000_000_000);
    let snapshot = Arc::new(engine.snapshot());
    let mut app = App::new(
        snapshot.clone(),
        Theme::new(ThemeKind::Dark, false),
        AppOptions::default(),
    );
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    c.bench_function("render_frame_200x60", |b| {
        b.iter(|| {
            // A new snapshot each frame, as in the live loop (forces a full redraw diff).
            app.set_snapshot(black_box(snapshot.clone()));
            terminal.draw(|f| app.render(f)).unwrap();
        })
    });
    c.bench_function("snapshot_default_10s", |b| {
        b.iter(|| black_box(engine.snapshot()))
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
