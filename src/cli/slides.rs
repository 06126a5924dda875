//! `ringside slides`: the backup deck, one HTML file with a slide per scripted step of a
//! scenario (the presenter frame at that step, its caption as text).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::frame::{Look, parse_size};
use super::tui_args::{FocusArg, ThemeArg};
use ringside::sim::duration::exact_duration;
use ringside::sim::{Engine, Scenario};
use ringside::tui::deck::{Slide, deck};
use ringside::tui::export::to_svg;

/// Arguments of `ringside slides`.
#[derive(Debug, Clone, Args)]
pub struct SlidesArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "tour")]
    pub scenario: String,
    /// Terminal size of each frame as COLUMNSxROWS.
    #[arg(long, value_parser = parse_size, default_value = "100x30")]
    pub size: (u16, u16),
    /// RNG seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Colour theme (`NO_COLOR` forces no colours).
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Where to write the deck.
    #[arg(long, value_name = "deck.html")]
    pub out: PathBuf,
}

/// The slides of a scenario: one per scripted step (events at one instant are one step),
/// each drawn at the step's time in the presenter layout.
pub fn slides(args: &SlidesArgs) -> anyhow::Result<(String, Vec<Slide>)> {
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let mut engine =
        Engine::from_scenario(&scenario, args.seed).context("starting the simulation")?;
    let mut times: Vec<u64> = scenario.scripted_times().collect();
    times.dedup();
    anyhow::ensure!(
        !times.is_empty(),
        "scenario {} has no scripted steps to make slides of",
        scenario.name
    );
    let look = Look {
        size: args.size,
        theme: args.theme,
        present: true,
        focus: FocusArg::All,
    };
    let slides = times
        .into_iter()
        .map(|at| {
            engine.advance(at - engine.now());
            let snapshot = engine.snapshot();
            let caption = snapshot.caption.as_ref().map(|c| c.text.to_string());
            Slide {
                at: exact_duration(at),
                svg: to_svg(&look.draw(snapshot)),
                caption,
            }
        })
        .collect();
    let title = format!("ringside · {} — {}", scenario.name, scenario.description);
    Ok((title, slides))
}

/// Run `ringside slides`: write the deck.
pub fn run(args: SlidesArgs) -> anyhow::Result<()> {
    let (title, slides) = slides(&args)?;
    std::fs::write(&args.out, deck(&title, &slides))
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "slides: {} steps written to {}",
        slides.len(),
        args.out.display()
    );
    Ok(())
}
