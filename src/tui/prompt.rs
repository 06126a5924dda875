//! The key prompt (`/`): one line of input naming a key to trace on the ring.
//!
//! Input rules: printable characters only (control characters are refused, so nothing
//! typed can move the cursor or colour the terminal), at most [`MAX_KEY_CHARS`]
//! characters; Backspace deletes the last one; Tab (or ↓) and Shift-Tab (or ↑) cycle
//! through candidate keys (the hottest recent keys), replacing what was typed. While the
//! prompt is open every typed character goes to it, never to a key binding (see
//! [`input`](super::input)).

/// Longest key the prompt accepts, in characters.
pub const MAX_KEY_CHARS: usize = 64;

/// How many of the hottest recent keys Tab cycles through.
pub const HOT_KEYS: usize = 8;

/// What has been typed so far, and which candidate Tab last picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    text: String,
    /// Index of the candidate last picked (None: the text was typed).
    pick: Option<usize>,
}

impl Prompt {
    /// The text typed (or picked) so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Type `c`; returns whether it was taken (refused: a control character, or the
    /// text is already [`MAX_KEY_CHARS`] long).
    pub fn push(&mut self, c: char) -> bool {
        if c.is_control() || self.text.chars().count() >= MAX_KEY_CHARS {
            return false;
        }
        self.text.push(c);
        self.pick = None;
        true
    }

    /// Delete the last character (nothing when empty).
    pub fn backspace(&mut self) {
        self.text.pop();
        self.pick = None;
    }

    /// Replace the text by the next (or, `forward` false, the previous) of `candidates`,
    /// wrapping; returns the candidate picked (None when there are none).
    pub fn cycle(&mut self, candidates: &[String], forward: bool) -> Option<&str> {
        let n = candidates.len();
        if n == 0 {
            return None;
        }
        let i = match (self.pick, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.pick = Some(i);
        self.text = candidates[i].chars().take(MAX_KEY_CHARS).collect();
        Some(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_is_bounded_and_refuses_control_characters() {
        let mut p = Prompt::default();
        assert!(p.push('u') && p.push('é') && p.push(':'));
        for c in ['\u{1b}', '\n', '\t', '\u{7f}', '\u{9b}'] {
            assert!(!p.push(c), "{c:?}");
        }
        assert_eq!(p.text(), "ué:");
        p.backspace();
        assert_eq!(p.text(), "ué");
        p.backspace();
        p.backspace();
        p.backspace();
        assert_eq!(p.text(), "");
        for _ in 0..MAX_KEY_CHARS {
            assert!(p.push('x'));
        }
        assert!(!p.push('x'));
        assert_eq!(p.text().chars().count(), MAX_KEY_CHARS);
    }

    #[test]
    fn tab_cycles_candidates_both_ways() {
        let keys: Vec<String> = ["key-1", "key-2", "key-3"].map(String::from).to_vec();
        let mut p = Prompt::default();
        assert_eq!(p.cycle(&[], true), None);
        assert_eq!(p.cycle(&keys, true), Some("key-1"));
        assert_eq!(p.cycle(&keys, true), Some("key-2"));
        assert_eq!(p.cycle(&keys, false), Some("key-1"));
        assert_eq!(p.cycle(&keys, false), Some("key-3"));
        // Typing after a pick edits the picked key; the next Tab starts over.
        p.push('9');
        assert_eq!(p.text(), "key-39");
        assert_eq!(p.cycle(&keys, false), Some("key-3"));
    }
}
