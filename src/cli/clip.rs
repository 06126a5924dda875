//! `ringside clip`: an animated GIF of a deterministic run, one frame every 1/F s of
//! virtual time from `--from` to `--to`, each drawn as `frame --format png` draws it.
//! One frame is held in memory at a time; a progress bar runs on stderr when it is a
//! terminal.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::frame::{Look, parse_at};
use ringside::sim::{Engine, Scenario};
use ringside::tui::clip::{GifClip, MAX_FPS, frame_count, frame_time};
use ringside::tui::raster::{self, rasterise};

/// Arguments of `ringside clip`.
#[derive(Debug, Clone, Args)]
pub struct ClipArgs {
    /// Shipped scenario name (see `ringside scenarios`) or path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "default")]
    pub scenario: String,
    /// Virtual time of the first frame, e.g. `10s`.
    #[arg(long, value_parser = parse_at)]
    pub from: u64,
    /// Virtual time the clip ends at (its last frame is 1/F s before).
    #[arg(long, value_parser = parse_at)]
    pub to: u64,
    /// Frames per second of virtual time; (to − from) × fps must be whole. Each frame is
    /// shown 1/fps s (GIF delays are centiseconds: see `ringside::tui::clip`).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_FPS)))]
    pub fps: u32,
    /// RNG seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Size, theme and layout.
    #[command(flatten)]
    pub look: Look,
    /// Where to write the GIF.
    #[arg(long, value_name = "FILE.gif")]
    pub out: PathBuf,
}

/// Run `ringside clip`: write the GIF (removed again if anything fails).
pub fn run(args: ClipArgs) -> anyhow::Result<()> {
    let frames = frame_count(args.from, args.to, args.fps).map_err(anyhow::Error::msg)?;
    let scenario = Scenario::load(&args.scenario).context("loading the scenario")?;
    let engine = Engine::from_scenario(&scenario, args.seed).context("starting the simulation")?;
    let file =
        File::create(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let written = write(&args, engine, frames, BufWriter::new(file));
    if written.is_err() {
        let _ = std::fs::remove_file(&args.out);
    }
    written?;
    let (w, h) = raster::size(args.look.size.0, args.look.size.1, 1);
    eprintln!(
        "clip: {frames} frames, {w}x{h}, {} fps, written to {}",
        args.fps,
        args.out.display()
    );
    Ok(())
}

/// Draw and encode every frame, one at a time.
fn write(
    args: &ClipArgs,
    mut engine: Engine,
    frames: u64,
    out: BufWriter<File>,
) -> anyhow::Result<()> {
    let (w, h) = raster::size(args.look.size.0, args.look.size.1, 1);
    let mut clip = GifClip::new(out, w, h, args.fps)?;
    let progress = ProgressBar::with_draw_target(Some(frames), ProgressDrawTarget::stderr())
        .with_style(
            ProgressStyle::with_template("clip {bar:40} {pos}/{len} frames, {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    for i in 0..frames {
        let at = frame_time(args.from, i, args.fps);
        engine.advance(at - engine.now());
        clip.push(&rasterise(&args.look.draw(engine.snapshot()), 1))?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    use std::io::Write as _;
    clip.finish()?.flush()?;
    Ok(())
}
