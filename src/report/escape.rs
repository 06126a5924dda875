//! Text for a terminal: scenario strings (names, descriptions, captions) are the user's,
//! and a control character in one (`ESC ]52;…` writes the clipboard, `ESC [2J` clears the
//! screen, BEL rings) must not reach the terminal as a command. Every text output (the
//! report, `check`'s summary, error messages) goes through [`escape_controls`]; the
//! dashboard and `frame` draw through ratatui, which drops control characters, and JSON
//! escapes them.

use std::borrow::Cow;

/// `text` with every control character (C0, DEL, C1) written as a visible Rust escape
/// (`\u{1b}`, `\r`, `\u{7}`), except the line feed and the tab that lay text out. Borrows
/// when there is nothing to escape.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_layout_kept() {
        assert!(matches!(escape_controls("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}]52;c;aGk=\u{7}b\u{1b}[2J\r\u{7f}\u{9b}\n"),
            "a\\u{1b}]52;c;aGk=\\u{7}b\\u{1b}[2J\\r\\u{7f}\\u{9b}\n"
        );
        assert_eq!(escape_controls("café ✓"), "café ✓");
    }
}
