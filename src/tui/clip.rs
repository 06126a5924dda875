//! Animated GIF clips of a deterministic run (`ringside clip`): which virtual instants are
//! drawn, how long each frame is shown, and the encoder that takes one [`Image`] at a
//! time (memory bounded by one frame).
//!
//! GIF delays are whole centiseconds, so 1/F s is not always one (30 fps is 3⅓ cs). Frame
//! `i` is shown for `round(100·(i+1)/F) − round(100·i/F)` cs: every delay is ⌊100/F⌋ or
//! ⌈100/F⌉ cs, and the first `k` frames together last `round(100·k/F)` cs, so the clip never
//! drifts from real time by more than half a centisecond (at 30 fps: 3, 4, 3, 3, 4, 3, …).

use std::io::Write;

use super::raster::Image;

/// The highest frame rate: a GIF frame is shown at least 2 cs (browsers slow shorter
/// delays down to 10 cs).
pub const MAX_FPS: u32 = 50;
/// The most frames one clip may have (ten minutes at 30 fps).
pub const MAX_FRAMES: u64 = 18_000;
/// NeuQuant's sampling speed for each frame's palette (1 best … 30 fastest).
const PALETTE_SPEED: i32 = 10;

const NS_PER_S: u128 = 1_000_000_000;

/// The frames of a clip from `from_ns` to `to_ns` (virtual time) at `fps`: exactly
/// (to − from) × fps of them, which must be a whole number within [`MAX_FRAMES`].
pub fn frame_count(from_ns: u64, to_ns: u64, fps: u32) -> Result<u64, String> {
    if to_ns <= from_ns {
        return Err("--to must be after --from".into());
    }
    if fps == 0 || fps > MAX_FPS {
        return Err(format!("--fps must be within 1..={MAX_FPS}"));
    }
    let scaled = u128::from(to_ns - from_ns) * u128::from(fps);
    if scaled % NS_PER_S != 0 {
        return Err(format!(
            "(--to − --from) × --fps must be a whole number of frames, not {:.3}",
            scaled as f64 / NS_PER_S as f64
        ));
    }
    let frames = u64::try_from(scaled / NS_PER_S).unwrap_or(u64::MAX);
    if frames > MAX_FRAMES {
        return Err(format!(
            "{frames} frames is more than a clip may have ({MAX_FRAMES})"
        ));
    }
    Ok(frames)
}

/// Virtual time of frame `i`: `from_ns + i/fps` seconds (rounded down to the nanosecond).
pub fn frame_time(from_ns: u64, i: u64, fps: u32) -> u64 {
    let offset = u128::from(i) * NS_PER_S / u128::from(fps.max(1));
    from_ns.saturating_add(u64::try_from(offset).unwrap_or(u64::MAX))
}

/// How long frame `i` is shown at `fps`, in centiseconds (see the module docs).
pub fn delay_cs(i: u64, fps: u32) -> u16 {
    let fps = u128::from(fps.max(1));
    let elapsed = |k: u64| (u128::from(k) * 200 + fps) / (2 * fps);
    u16::try_from(elapsed(i + 1) - elapsed(i)).unwrap_or(u16::MAX)
}

/// A looping GIF written one frame at a time.
pub struct GifClip<W: Write> {
    encoder: gif::Encoder<W>,
    fps: u32,
    written: u64,
}

impl<W: Write> GifClip<W> {
    /// Start a clip of `width`×`height` pixels at `fps`, looping forever (the NETSCAPE2.0
    /// extension).
    pub fn new(out: W, width: u32, height: u32, fps: u32) -> Result<Self, gif::EncodingError> {
        let side = |v: u32| u16::try_from(v).map_err(|_| too_large());
        let mut encoder = gif::Encoder::new(out, side(width)?, side(height)?, &[])?;
        encoder.set_repeat(gif::Repeat::Infinite)?;
        Ok(Self {
            encoder,
            fps,
            written: 0,
        })
    }

    /// Add the next frame, with its own palette quantised from its colours.
    pub fn push(&mut self, image: &Image) -> Result<(), gif::EncodingError> {
        let side = |v: u32| u16::try_from(v).map_err(|_| too_large());
        let mut frame = gif::Frame::from_rgb_speed(
            side(image.width)?,
            side(image.height)?,
            &image.rgb,
            PALETTE_SPEED,
        );
        frame.delay = delay_cs(self.written, self.fps);
        self.encoder.write_frame(&frame)?;
        self.written += 1;
        Ok(())
    }

    /// Write the trailer and return the output.
    pub fn finish(self) -> Result<W, gif::EncodingError> {
        self.encoder.into_inner()
    }
}

fn too_large() -> gif::EncodingError {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "a GIF is at most 65535 pixels each way",
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;

    #[test]
    fn frames_are_the_duration_times_the_rate_and_whole() {
        assert_eq!(frame_count(2 * S, 5 * S, 10), Ok(30));
        assert_eq!(frame_count(0, S / 2, 4), Ok(2));
        assert!(frame_count(0, S / 3, 10).is_err());
        assert!(frame_count(5 * S, 5 * S, 10).is_err());
        assert!(frame_count(0, S, 0).is_err());
        assert!(frame_count(0, S, MAX_FPS + 1).is_err());
        assert!(frame_count(0, 3600 * S, 30).is_err());
        assert_eq!(frame_time(2 * S, 3, 10), 2 * S + 300_000_000);
        assert_eq!(frame_time(0, 1, 3), 333_333_333);
    }

    #[test]
    fn delays_are_whole_centiseconds_that_add_up_to_real_time() {
        assert!((0..50).all(|i| delay_cs(i, 10) == 10));
        assert!((0..50).all(|i| delay_cs(i, 50) == 2));
        let thirty: Vec<u16> = (0..6).map(|i| delay_cs(i, 30)).collect();
        assert_eq!(thirty, [3, 4, 3, 3, 4, 3]);
        for fps in 1..=MAX_FPS {
            let total: u64 = (0..u64::from(fps) * 3)
                .map(|i| u64::from(delay_cs(i, fps)))
                .sum();
            assert_eq!(total, 300, "three seconds at {fps} fps");
        }
    }
}
