//! The names of the request keys (`key-0`, `key-1`, …), formatted in batches for hashing.

/// Hand the names of `keys` (`key-{i}`, as bytes, in order) to `f` in batches of 64,
/// formatted into one reused buffer (no allocation per key).
pub(super) fn for_key_batches(
    keys: impl IntoIterator<Item = u32>,
    mut f: impl FnMut(&mut dyn Iterator<Item = &[u8]>),
) {
    const CHUNK: usize = 64;
    let mut keys = keys.into_iter().peekable();
    let mut digits = itoa::Buffer::new();
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK * 16);
    let mut ends = Vec::with_capacity(CHUNK);
    while keys.peek().is_some() {
        buf.clear();
        ends.clear();
        for i in keys.by_ref().take(CHUNK) {
            buf.extend_from_slice(b"key-");
            buf.extend_from_slice(digits.format(i).as_bytes());
            ends.push(buf.len());
        }
        let mut from = 0;
        let mut names = ends.iter().map(|&end| {
            let name = &buf[from..end];
            from = end;
            name
        });
        f(&mut names);
    }
}
