//! Pictures for slides, from the real binary: `frame --format png` (header, dimensions,
//! decoded size, the same bytes twice, the pixels of the cells), `clip` (frame count,
//! delays, the loop extension, decoded with the `gif` crate) and `slides` (one section per
//! scripted step, captions equal to the scenario's).

mod support;

use std::process::Command;

use ringside::sim::Scenario;
use support::process::output;

const BIN: &str = env!("CARGO_BIN_EXE_ringside");

fn run(args: &[&str]) -> Vec<u8> {
    let out = output(Command::new(BIN).args(args));
    assert!(
        out.status.success(),
        "ringside {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// (width, height, RGB pixels) of a PNG, with its declared colour type.
fn decode_png(bytes: &[u8]) -> (u32, u32, png::ColorType, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("pixels");
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type, buf)
}

#[test]
fn png_frames_are_the_cell_grid_at_scale_and_the_same_bytes_every_time() {
    let args = |scale: &'static str| {
        [
            "frame",
            "--scenario",
            "tour",
            "--at",
            "22s",
            "--size",
            "100x30",
            "--present",
            "--format",
            "png",
            "--scale",
            scale,
        ]
    };
    let one = run(&args("1"));
    assert_eq!(&one[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&one[12..16], b"IHDR");
    let ihdr = |b: &[u8]| {
        (
            u32::from_be_bytes(b[16..20].try_into().unwrap()),
            u32::from_be_bytes(b[20..24].try_into().unwrap()),
        )
    };
    // 100 columns × 8.4 px by 30 rows × 17 px.
    assert_eq!(ihdr(&one), (840, 510));
    let (w, h, colour, pixels) = decode_png(&one);
    assert_eq!((w, h, colour), (840, 510, png::ColorType::Rgb));
    assert_eq!(pixels.len(), 840 * 510 * 3);
    assert_eq!(run(&args("1")), one, "deterministic");
    let two = run(&args("2"));
    assert_eq!(ihdr(&two), (1680, 1020));
    assert_eq!(decode_png(&two).3.len(), 1680 * 1020 * 3);
    // Not a blank picture: the presenter caption's box (theme colours) and text are drawn.
    let distinct: std::collections::BTreeSet<&[u8]> = pixels.chunks(3).collect();
    assert!(distinct.len() > 50, "{} colours", distinct.len());
}

#[test]
fn gif_clips_have_every_frame_their_delay_and_loop_forever() {
    let dir = tempfile::tempdir().unwrap();
    for (fps, to, frames) in [(10u32, "7s", 20usize), (30, "6s", 30)] {
        let path = dir.path().join(format!("clip-{fps}.gif"));
        let fps_arg = fps.to_string();
        run(&[
            "clip",
            "--scenario",
            "tour",
            "--from",
            "5s",
            "--to",
            to,
            "--fps",
            &fps_arg,
            "--size",
            "80x24",
            "--out",
            path.to_str().unwrap(),
        ]);
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options
            .read_info(std::fs::File::open(&path).unwrap())
            .unwrap();
        assert_eq!((decoder.width(), decoder.height()), (672, 408));
        let mut delays = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            assert_eq!((frame.width, frame.height), (672, 408));
            assert!(frame.palette.is_some(), "each frame has its own palette");
            delays.push(frame.delay);
        }
        assert_eq!(decoder.repeat(), gif::Repeat::Infinite, "NETSCAPE2.0 loop");
        assert_eq!(
            delays.len(),
            frames,
            "(to − from) × fps frames at {fps} fps"
        );
        // 1/fps s in whole centiseconds: each ⌊100/fps⌋ or ⌈100/fps⌉, adding up exactly.
        let (lo, hi) = ((100 / fps) as u16, 100u32.div_ceil(fps) as u16);
        assert!(delays.iter().all(|d| (lo..=hi).contains(d)), "{delays:?}");
        let total: u32 = delays.iter().map(|&d| u32::from(d)).sum();
        assert_eq!(total as usize, frames * 100 / fps as usize, "{delays:?}");
    }
    let refused = output(
        Command::new(BIN)
            .args([
                "clip", "--from", "0s", "--to", "0.5s", "--fps", "3", "--out",
            ])
            .arg(dir.path().join("no.gif")),
    );
    assert!(!refused.status.success());
    assert!(!dir.path().join("no.gif").exists());
}

#[test]
fn the_deck_has_a_slide_per_scripted_step_with_the_scenarios_captions() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["tour", "breaker-story"] {
        let path = dir.path().join(format!("{name}.html"));
        run(&[
            "slides",
            "--scenario",
            name,
            "--out",
            path.to_str().unwrap(),
        ]);
        let html = std::fs::read_to_string(&path).unwrap();
        // The oracle: the scenario's scripted events, one step per instant, the caption
        // shown being the last one given at or before it.
        let scenario = Scenario::builtin(name).unwrap();
        let mut expected: Vec<(u64, Option<String>)> = Vec::new();
        let mut caption = None;
        for e in scenario.events.iter().filter(|e| !e.live) {
            caption = e.caption.clone().or(caption);
            match expected.last_mut() {
                Some((at, c)) if *at == e.at_ns => *c = caption.clone(),
                _ => expected.push((e.at_ns, caption.clone())),
            }
        }
        let sections: Vec<&str> = html.split("<section class=\"slide").skip(1).collect();
        assert_eq!(sections.len(), expected.len(), "{name}: one slide per step");
        for (i, (section, (_, caption))) in sections.iter().zip(&expected).enumerate() {
            let shown = section
                .split("<p class=\"caption\">")
                .nth(1)
                .and_then(|c| c.split("</p>").next())
                .map(unescape);
            assert_eq!(shown.as_ref(), caption.as_ref(), "{name} step {}", i + 1);
            assert!(section.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            let counter = format!("step {}/{}", i + 1, expected.len());
            assert!(section.contains(&counter), "{name}: {counter}");
        }
        assert!(html.contains("@media print"));
        assert!(
            !html.contains("src=") && !html.contains("href="),
            "self-contained"
        );
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
