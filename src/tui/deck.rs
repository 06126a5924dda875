//! The backup slide deck (`ringside slides`): one self-contained HTML file, one
//! `<section class="slide">` per scripted step, each the presenter frame at that step as
//! inline SVG (the [`to_svg`](super::export::to_svg) export) with its caption as real text,
//! a step counter, keyboard and clicker navigation (→ ↓ PageDown space n forward, ← ↑
//! PageUp p back, Home, End; the URL fragment names the slide shown, so `deck.html#step-3`
//! opens on step 3), and a print stylesheet that puts one slide on each page. No network,
//! no external file.

use std::fmt::Write as _;

use super::export::escape;

/// One slide: a scripted step of the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slide {
    /// Virtual time of the step, as shown (e.g. `12s`).
    pub at: String,
    /// The presenter frame at that step, a standalone SVG.
    pub svg: String,
    /// The caption on screen at that step, if any.
    pub caption: Option<String>,
}

const STYLE: &str = "\
html,body{margin:0;background:#101010;color:#f0f0f0;font:22px/1.4 'DejaVu Sans',sans-serif}
.slide{display:none;box-sizing:border-box;min-height:100vh;padding:16px}
.slide.current{display:block}
.slide svg{display:block;margin:0 auto;max-width:100%;height:auto}
.caption{max-width:48em;margin:16px auto 0}
.counter{max-width:48em;margin:8px auto 0;font-size:16px;opacity:.75}
@media print{
@page{size:landscape;margin:1cm}
html,body{background:#fff;color:#000}
.slide,.slide.current{display:block;min-height:0;padding:0;break-after:page;page-break-after:always}
.slide:last-of-type{break-after:auto;page-break-after:auto}
}";

const SCRIPT: &str = "\
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('section.slide'));
  var current = 0;
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.classList.toggle('current', k === current); });
    var hash = '#' + slides[current].id;
    if (location.hash !== hash) { try { history.replaceState(null, '', hash); } catch (e) {} }
  }
  var forward = ['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'n'];
  var back = ['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace', 'p'];
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (forward.indexOf(e.key) >= 0) { show(current + 1); }
    else if (back.indexOf(e.key) >= 0) { show(current - 1); }
    else if (e.key === 'Home') { show(0); }
    else if (e.key === 'End') { show(slides.length - 1); }
    else { return; }
    e.preventDefault();
  });
  function fromHash() {
    var at = slides.findIndex(function (s) { return '#' + s.id === location.hash; });
    show(at < 0 ? 0 : at);
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();";

/// The deck of `slides`, titled `title`.
pub fn deck(title: &str, slides: &[Slide]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title>\n<style>\n{STYLE}\n</style></head>\n<body>\n",
        escape(title)
    );
    let total = slides.len();
    for (i, slide) in slides.iter().enumerate() {
        let step = i + 1;
        let _ = write!(
            out,
            "<section class=\"slide{}\" id=\"step-{step}\" data-step=\"{step}\">\n{}",
            if i == 0 { " current" } else { "" },
            slide.svg
        );
        if let Some(caption) = &slide.caption {
            let _ = writeln!(out, "<p class=\"caption\">{}</p>", escape(caption));
        }
        let _ = writeln!(
            out,
            "<p class=\"counter\">step {step}/{total} · t = {}</p>\n</section>",
            escape(&slide.at)
        );
    }
    let _ = write!(out, "<script>\n{SCRIPT}\n</script>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_section_per_slide_with_its_caption_as_text_and_a_counter() {
        let slide = |at: &str, caption: Option<&str>| Slide {
            at: at.into(),
            svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n".into(),
            caption: caption.map(Into::into),
        };
        let html = deck(
            "tour <talk>",
            &[slide("1s", Some("a < b & c")), slide("6s", None)],
        );
        assert_eq!(html.matches("<section class=\"slide").count(), 2);
        assert!(html.contains("<section class=\"slide current\" id=\"step-1\""));
        assert!(html.contains("<section class=\"slide\" id=\"step-2\""));
        assert!(html.contains("<p class=\"caption\">a &lt; b &amp; c</p>"));
        assert_eq!(html.matches("class=\"caption\"").count(), 1);
        assert!(html.contains("step 2/2 · t = 6s"));
        assert!(html.contains("<title>tour &lt;talk&gt;</title>"));
        assert!(html.contains("@media print"));
        // Self-contained: nothing is fetched.
        for external in ["src=", "href=", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
    }
}
