//! The key prompt (`/`) in place of the status bar while it is open: what has been typed,
//! a cursor, and the keys that finish it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::labels::width;
use crate::tui::prompt::Prompt;
use crate::tui::theme::Theme;

/// What the prompt says before the typed text.
pub const LABEL: &str = " trace key › ";

/// The keys that finish or help the prompt, shown after the text while there is room.
const KEYS: [(&str, &str); 3] = [("Enter", "trace"), ("Tab", "hot keys"), ("Esc", "cancel")];

/// Draw the prompt in `area` (one row). Text too long for the row shows its end.
pub fn render(frame: &mut Frame, area: Rect, prompt: &Prompt, theme: &Theme) {
    let room = usize::from(area.width).saturating_sub(width(LABEL) + 1);
    let text = prompt.text();
    let mut shown: Vec<char> = text.chars().rev().collect();
    while width(&shown.iter().rev().collect::<String>()) > room && !shown.is_empty() {
        shown.pop();
    }
    let shown: String = shown.into_iter().rev().collect();
    let mut spans = vec![
        Span::styled(LABEL, theme.accent),
        Span::styled(shown.clone(), theme.text),
        Span::styled("█", theme.accent),
    ];
    let mut used = width(LABEL) + width(&shown) + 1;
    for (key, word) in KEYS {
        let (k, w) = (format!("  {key}"), format!(" {word}"));
        used += width(&k) + width(&w);
        if used > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(k, theme.accent));
        spans.push(Span::styled(w, theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
