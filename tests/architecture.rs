//! The layering of DESIGN.md, checked on the source text: which layer may name which, no
//! import cycle between the files of a layer, and no long function without a reason.
//!
//! The checker is deliberately independent of the code it checks: it reads `src/**/*.rs`,
//! blanks out comments and literals, expands `use` trees, resolves `crate::`, `super::`,
//! `self::` and child-module paths (following `pub use` re-exports) to the file that defines
//! the item, and builds a file-level import graph.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use support::source::{rust_files, src_dir};

/// A source file and what it names.
struct File {
    /// Module path, e.g. `["tui", "render", "ring"]` (the crate root is `[]`).
    module: Vec<String>,
    /// Path relative to the crate root, for messages.
    rel: String,
    /// Code with comments and literals blanked (newlines kept), test modules removed.
    code: String,
}

fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("file name");
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Blank comments, string and char literals (keeping newlines), so braces and `::` inside
/// them are not read as code.
fn blank(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let keep_nl = |c: u8| if c == b'\n' { b'\n' } else { b' ' };
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    out.extend([b' ', b' ']);
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    out.extend([b' ', b' ']);
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep_nl(b[i]));
                    i += 1;
                }
            }
        } else if c == b'r' && matches!(b.get(i + 1), Some(b'"') | Some(b'#')) && {
            let mut j = i + 1;
            while b.get(j) == Some(&b'#') {
                j += 1;
            }
            b.get(j) == Some(&b'"') && (i == 0 || !is_ident(b[i - 1]))
        } {
            let mut hashes = 0;
            i += 1;
            while b[i] == b'#' {
                hashes += 1;
                i += 1;
            }
            i += 1; // opening quote
            out.extend(std::iter::repeat_n(b' ', hashes + 2));
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == b'"' && (1..=hashes).all(|k| b.get(i + k) == Some(&b'#')) {
                    out.extend(std::iter::repeat_n(b' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(keep_nl(b[i]));
                i += 1;
            }
        } else if c == b'"' {
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    out.push(b' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(keep_nl(b[i]));
                    i += 1;
                }
            }
            out.push(b' ');
            i += 1;
        } else if c == b'\'' && (b.get(i + 1) == Some(&b'\\') || b.get(i + 2) == Some(&b'\'')) {
            // A char literal ('x', '\n', '\u{..}'); a lifetime has no closing quote here.
            out.push(b' ');
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                if b[i] == b'\\' {
                    out.push(b' ');
                    i += 1;
                }
                out.push(b' ');
                i += 1;
            }
            out.push(b' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Cut a trailing `#[cfg(test)] mod tests { … }` (unit tests may import their parent).
fn without_tests(code: &str) -> String {
    match code.find("#[cfg(test)]") {
        Some(at)
            if code[at..]
                .trim_start_matches("#[cfg(test)]")
                .trim_start()
                .starts_with("mod ") =>
        {
            code[..at].to_string()
        }
        _ => code.to_string(),
    }
}

fn load() -> Vec<File> {
    let root = src_dir();
    rust_files(&root)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "tests.rs"))
        .map(|p| {
            let rel = p.strip_prefix(&root).expect("under src").to_path_buf();
            let text = std::fs::read_to_string(&p).expect("read source");
            File {
                module: module_of(&rel),
                rel: format!("src/{}", rel.display()),
                code: without_tests(&blank(&text)),
            }
        })
        .collect()
}

/// Expand the `use` declarations of `code` into full paths (`a::b::{c, d::e}` → `a::b::c`,
/// `a::b::d::e`), with whether each is a `pub use`.
fn use_paths(code: &str) -> Vec<(bool, Vec<String>)> {
    let mut out = Vec::new();
    let b = code.as_bytes();
    let mut i = 0;
    while let Some(off) = code[i..].find("use ") {
        let at = i + off;
        i = at + 4;
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let before = code[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
        let Some(end) = code[at..].find(';') else {
            break;
        };
        // `a as b` keeps its meaning once white space is gone: mark it with `@`.
        let words: Vec<&str> = code[at + 4..at + end].split_whitespace().collect();
        let tree: String = words.join(" ").replace(" as ", "@").replace(' ', "");
        for path in expand(&tree) {
            out.push((public, path));
        }
    }
    out
}

fn expand(tree: &str) -> Vec<Vec<String>> {
    // Split at the first top-level `{`.
    if let Some(open) = tree.find('{') {
        let prefix: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut items = Vec::new();
        let (mut depth, mut start) = (0, 0);
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        items.push(&inner[start..]);
        items
            .into_iter()
            .filter(|s| !s.is_empty())
            .flat_map(|item| {
                expand(item).into_iter().map(|rest| {
                    let mut p = prefix.clone();
                    p.extend(rest);
                    p
                })
            })
            .collect()
    } else {
        let path = tree.split('@').next().unwrap_or(tree);
        vec![
            path.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ]
    }
}

/// Inline paths `crate::a::b`, `super::a`, `self::a` outside `use` declarations.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    for start_kw in ["crate::", "super::", "self::"] {
        let mut i = 0;
        while let Some(off) = code[i..].find(start_kw) {
            let at = i + off;
            i = at + start_kw.len();
            if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b':') {
                continue;
            }
            let mut j = at;
            while j < b.len() && (is_ident(b[j]) || b[j] == b':') {
                j += 1;
            }
            // `use super::{a, b}`: the group's prefix is not a path of its own (the `use`
            // expansion resolves each member).
            if code[at..j].ends_with("::") {
                continue;
            }
            out.push(
                code[at..j]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
    }
    out
}

struct Crate {
    files: Vec<File>,
    by_module: BTreeMap<Vec<String>, usize>,
}

impl Crate {
    fn new() -> Self {
        let files = load();
        let by_module = files
            .iter()
            .enumerate()
            .map(|(k, f)| (f.module.clone(), k))
            .collect();
        Self { files, by_module }
    }

    /// The module path a path written in `from` refers to (before resolving items).
    fn absolute(&self, from: &[String], path: &[String]) -> Option<Vec<String>> {
        let (head, rest) = path.split_first()?;
        let mut base: Vec<String> = match head.as_str() {
            "crate" => Vec::new(),
            "self" => from.to_vec(),
            "super" => {
                let mut m = from.to_vec();
                m.pop()?;
                let mut rest = rest;
                while rest.first().is_some_and(|s| s == "super") {
                    m.pop()?;
                    rest = &rest[1..];
                }
                m.extend(rest.iter().cloned());
                return Some(m);
            }
            _ => {
                // A relative path to a child module (edition 2018 `use child::Item`).
                let mut child = from.to_vec();
                child.push(head.clone());
                if self.by_module.contains_key(&child) {
                    child.extend(rest.iter().cloned());
                    return Some(child);
                }
                return None; // an external crate, std, or a local item
            }
        };
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The file that defines what `abs` names: the longest module prefix, then any
    /// `pub use` re-export of the next segment followed (a few hops at most).
    fn target(&self, abs: &[String], hops: usize) -> Option<usize> {
        let mut len = abs.len();
        while !self.by_module.contains_key(&abs[..len]) {
            len = len.checked_sub(1)?;
        }
        let file = self.by_module[&abs[..len]];
        let Some(item) = abs.get(len) else {
            return Some(file);
        };
        if hops == 0 {
            return Some(file);
        }
        let module = &self.files[file].module;
        for (public, path) in use_paths(&self.files[file].code) {
            if !public {
                continue;
            }
            let last = path.last().map(String::as_str);
            if last == Some(item.as_str()) || last == Some("*") {
                let Some(mut re) = self.absolute(module, &path) else {
                    continue;
                };
                if last == Some("*") {
                    re.pop();
                    let Some(t) = self.target(&re, 0) else {
                        continue;
                    };
                    if !defines(&self.files[t].code, item) {
                        continue;
                    }
                    re.push(item.clone());
                }
                re.extend(abs[len + 1..].iter().cloned());
                return self.target(&re, hops - 1).or(Some(file));
            }
        }
        Some(file)
    }

    /// File-level import edges of file `k`.
    fn edges(&self, k: usize) -> BTreeSet<usize> {
        let f = &self.files[k];
        let mut paths: Vec<Vec<String>> = use_paths(&f.code).into_iter().map(|(_, p)| p).collect();
        paths.extend(inline_paths(&f.code));
        paths
            .iter()
            .filter_map(|p| self.absolute(&f.module, p))
            .filter_map(|abs| self.target(&abs, 4))
            .filter(|&t| t != k)
            .collect()
    }
}

fn defines(code: &str, item: &str) -> bool {
    [
        "struct", "enum", "fn", "trait", "type", "const", "static", "mod",
    ]
    .iter()
    .any(|kw| {
        code.match_indices(&format!("{kw} {item}")).any(|(at, m)| {
            let after = code.as_bytes().get(at + m.len()).copied().unwrap_or(b' ');
            !is_ident(after)
        })
    })
}

/// Whether a file names an external crate or std path (`tokio`, `std::thread`): in a `use`
/// declaration, or inline as a path.
fn names(code: &str, name: &str) -> bool {
    let want: Vec<&str> = name.split("::").collect();
    let in_use = use_paths(code)
        .iter()
        .any(|(_, p)| p.len() >= want.len() && p.iter().zip(&want).all(|(a, b)| a == b));
    let b = code.as_bytes();
    in_use
        || code.match_indices(name).any(|(at, _)| {
            let before_ok = at == 0 || !(is_ident(b[at - 1]) || b[at - 1] == b':');
            let after = b.get(at + name.len()).copied().unwrap_or(b' ');
            before_ok && !is_ident(after) && code[at + name.len()..].starts_with("::")
        })
}

fn layer(f: &File) -> &str {
    f.module.first().map_or("", String::as_str)
}

#[test]
fn the_checker_reads_what_it_claims() {
    let c = Crate::new();
    assert!(c.files.len() > 30, "found {} files", c.files.len());
    // Layers exist where DESIGN.md puts them.
    for l in ["patterns", "sim", "tui"] {
        assert!(c.files.iter().any(|f| layer(f) == l), "no src/{l}");
    }
    // The expander and resolver on a known shape.
    assert_eq!(
        expand("crate::a::{b,c::{d,e}}"),
        vec![
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c", "d"],
            vec!["crate", "a", "c", "e"]
        ]
    );
    assert_eq!(
        blank("let s = \"a{b\"; // x{\n'{'"),
        "let s =      ;      \n   "
    );
    // Some edges must exist, or the graph is empty for a bad reason.
    let total: usize = (0..c.files.len()).map(|k| c.edges(k).len()).sum();
    assert!(total > 50, "only {total} import edges found");
}

#[test]
fn each_layer_names_only_what_it_may_know() {
    let c = Crate::new();
    // (layer, other layers it must not name, external crates / std paths it must not name)
    let rules: &[(&str, &[&str], &[&str])] = &[
        (
            "patterns",
            &["sim", "tui", "cli", "report", "redis", "realtime"],
            &[
                "tokio",
                "redis",
                "ratatui",
                "crossterm",
                "clap",
                "anyhow",
                "serde_json",
                "std::time::Instant",
                "std::time::SystemTime",
                "std::thread",
                "std::net",
                "std::fs",
                "std::io",
                "std::process",
            ],
        ),
        (
            "sim",
            &["tui", "cli", "redis"],
            &["ratatui", "crossterm", "clap", "anyhow", "redis", "tokio"],
        ),
        (
            "report",
            &["tui", "cli", "redis"],
            &["ratatui", "crossterm", "clap", "anyhow"],
        ),
        (
            "redis",
            &["sim", "tui", "cli", "report"],
            &["ratatui", "crossterm", "clap", "anyhow"],
        ),
        (
            "realtime",
            &["sim", "tui", "cli", "report", "redis"],
            &["tokio", "ratatui", "clap", "anyhow"],
        ),
        ("tui", &["cli", "redis"], &["clap", "anyhow"]),
    ];
    let mut violations = Vec::new();
    for (k, f) in c.files.iter().enumerate() {
        let Some((_, banned_layers, banned_names)) = rules.iter().find(|r| r.0 == layer(f)) else {
            continue;
        };
        for t in c.edges(k) {
            let to = layer(&c.files[t]);
            if banned_layers.contains(&to) {
                violations.push(format!("{} names {}", f.rel, c.files[t].rel));
            }
        }
        for name in *banned_names {
            if names(&f.code, name) {
                violations.push(format!("{} names `{name}`", f.rel));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
}

/// Files of `layer` that sit on an import cycle, as cycles of relative paths.
fn cycles_in(c: &Crate, layer_name: &str) -> Vec<Vec<String>> {
    let nodes: Vec<usize> = (0..c.files.len())
        .filter(|&k| layer(&c.files[k]) == layer_name)
        .collect();
    let edges: BTreeMap<usize, BTreeSet<usize>> = nodes
        .iter()
        .map(|&k| {
            (
                k,
                c.edges(k)
                    .into_iter()
                    .filter(|t| nodes.contains(t))
                    .collect(),
            )
        })
        .collect();
    // Tarjan's strongly connected components.
    struct St<'a> {
        edges: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: BTreeMap<usize, usize>,
        low: BTreeMap<usize, usize>,
        stack: Vec<usize>,
        on: BTreeSet<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut St<'_>, v: usize) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        for &w in &s.edges[&v] {
            if !s.index.contains_key(&w) {
                visit(s, w);
                let lw = s.low[&w];
                let lv = s.low.get_mut(&v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(&w) {
                let iw = s.index[&w];
                let lv = s.low.get_mut(&v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[&v] == s.index[&v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(&w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for &v in &nodes {
        if !s.index.contains_key(&v) {
            visit(&mut s, v);
        }
    }
    s.out
        .into_iter()
        .map(|comp| comp.into_iter().map(|k| c.files[k].rel.clone()).collect())
        .collect()
}

#[test]
fn no_import_cycle_between_files_of_a_layer() {
    let c = Crate::new();
    for l in ["patterns", "sim", "report", "redis", "realtime", "tui"] {
        let cycles = cycles_in(&c, l);
        assert!(cycles.is_empty(), "import cycles in src/{l}: {cycles:#?}");
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    // Two files of one layer naming each other must be reported: build such a crate by
    // hand from the real resolver's point of view.
    let files = vec![
        File {
            module: vec!["tui".into()],
            rel: "src/tui/mod.rs".into(),
            code: "pub mod a; pub mod b;".into(),
        },
        File {
            module: vec!["tui".into(), "a".into()],
            rel: "src/tui/a.rs".into(),
            code: "use super::b::B; pub struct A;".into(),
        },
        File {
            module: vec!["tui".into(), "b".into()],
            rel: "src/tui/b.rs".into(),
            code: "use crate::tui::a::A; pub struct B;".into(),
        },
    ];
    let by_module = files
        .iter()
        .enumerate()
        .map(|(k, f)| (f.module.clone(), k))
        .collect();
    let c = Crate { files, by_module };
    let cycles = cycles_in(&c, "tui");
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    let mut members = cycles[0].clone();
    members.sort();
    assert_eq!(members, vec!["src/tui/a.rs", "src/tui/b.rs"]);
}

/// Functions longer than this many lines need a comment saying why ("long because …").
const MAX_FN_LINES: usize = 80;

fn long_functions(f: &File, raw: &str) -> Vec<String> {
    let code = &f.code;
    let b = code.as_bytes();
    let raw_lines: Vec<&str> = raw.lines().collect();
    let mut out = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        // The body starts at the first `{` before any `;` (a declaration has no body).
        let Some(open_rel) = code[at..].find(['{', ';']) else {
            continue;
        };
        if b[at + open_rel] != b'{' {
            continue;
        }
        let open = at + open_rel;
        let mut depth = 0usize;
        let mut close = None;
        for (k, &ch) in b.iter().enumerate().skip(open) {
            match ch {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let first = code[..at].matches('\n').count();
        let last = code[..close].matches('\n').count();
        if last - first < MAX_FN_LINES {
            continue;
        }
        // The comment lines right above the signature (doc or plain, attributes skipped).
        let mut reason = false;
        let mut l = first;
        while l > 0 {
            l -= 1;
            let line = raw_lines.get(l).map_or("", |s| s.trim());
            if line.starts_with("#[") {
                continue;
            }
            if !line.starts_with("//") {
                break;
            }
            reason |= line.to_lowercase().contains("long because");
        }
        if !reason {
            let name: String = code[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(format!(
                "{}:{} fn {name} ({} lines)",
                f.rel,
                first + 1,
                last - first + 1
            ));
        }
    }
    out
}

#[test]
fn no_long_function_in_sim_and_tui_without_a_reason() {
    let c = Crate::new();
    let mut long = Vec::new();
    for f in c.files.iter().filter(|f| matches!(layer(f), "sim" | "tui")) {
        let raw = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&f.rel))
            .expect("read source");
        long.extend(long_functions(f, &raw));
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines without a `// long because …` comment:\n{}",
        long.join("\n")
    );
}

#[test]
fn a_group_import_through_a_reexport_is_not_a_cycle() {
    // `mod.rs` re-exports `A` from `a.rs`; `b.rs` names it as `super::{A}`: the edge goes to
    // `a.rs` (where `A` is defined), not back to `mod.rs`, so there is no cycle.
    let file = |module: &[&str], rel: &str, code: &str| File {
        module: module.iter().map(|s| s.to_string()).collect(),
        rel: rel.into(),
        code: code.into(),
    };
    let files = vec![
        file(
            &["tui"],
            "src/tui/mod.rs",
            "mod a; mod b; pub use a::A; pub use b::B;",
        ),
        file(&["tui", "a"], "src/tui/a.rs", "pub struct A;"),
        file(
            &["tui", "b"],
            "src/tui/b.rs",
            "use super::{A}; pub struct B(A);",
        ),
    ];
    let by_module = files
        .iter()
        .enumerate()
        .map(|(k, f)| (f.module.clone(), k))
        .collect();
    let c = Crate { files, by_module };
    assert_eq!(c.edges(2), BTreeSet::from([1]));
    assert!(cycles_in(&c, "tui").is_empty());
}
