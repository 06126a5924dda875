//! The names of the request keys (`key-0`, `key-1`, …), formatted in batches for hashing.

/// Hand the names of `keys` (`key-{i}`, as bytes, in order) to `f` in batches of 64,
/// formatted into one reused buffer (no allocation per key).
pub(super) fn for_key_batches(
    keys: impl IntoIterator<Item = u32>,
    mut f: impl FnMut(&mut dyn Iterator<Item = &[u8]>),
) {
    use std::fmt::Write as _;
    const CHUNK: usize = 64;
    let mut keys = keys.into_iter().peekable();
    let mut buf = String::with_capacity(CHUNK * 16);
    let mut ends = Vec::with_capacity(CHUNK);
    while keys.peek().is_some() {
        buf.clear();
        ends.clear();
        for i in keys.by_ref().take(CHUNK) {
            // Writing to a String cannot fail.
            let _ = write!(buf, "key-{i}");
            ends.push(buf.len());
        }
        let mut from = 0;
        let mut names = ends.iter().map(|&end| {
            let name = &buf.as_bytes()[from..end];
            from = end;
            name
        });
        f(&mut names);
    }
}
