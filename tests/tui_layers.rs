//! The dashboard layer has no import cycle: no file under `src/tui` imports (through
//! `crate::tui::…`, `super::…`, `self::…`, or a `mod.rs` naming its children) a file that
//! leads back to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every module file under `dir`, by module path relative to `src/tui`.
fn modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<Module, String>) {
    for entry in std::fs::read_dir(dir).expect("read src/tui") {
        let path = entry.expect("dir entry").path();
        let stem = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            modules(&path, &[prefix, &[stem]].concat(), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = if stem == "mod" {
                prefix.to_vec()
            } else {
                [prefix, &[stem]].concat()
            };
            let text = std::fs::read_to_string(&path).expect("read source");
            out.insert(module, text);
        }
    }
}

/// The paths a source mentions outside its unit tests (whose `super` is the file
/// itself), with `use a::{b, c::d}` groups expanded (one level).
fn paths(source: &str) -> Vec<Vec<String>> {
    let source = source.split("#[cfg(test)]").next().unwrap_or("");
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find(|c: char| c.is_alphabetic() || c == '_') {
        let tail = &rest[start..];
        let end = tail.find(|c| !is_path(c)).unwrap_or(tail.len());
        let head: Vec<String> = tail[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if tail[..end].ends_with("::") && tail[end..].starts_with('{') {
            let group = &tail[end + 1..tail[end..].find('}').map_or(tail.len(), |i| end + i)];
            for item in group.split(',') {
                let item = item.split(" as ").next().unwrap_or("").trim();
                let mut p = head.clone();
                p.extend(item.split("::").filter(|s| !s.is_empty()).map(String::from));
                out.push(p);
            }
        }
        out.push(head);
        rest = &tail[end.max(1)..];
    }
    out
}

/// The module files `module` imports.
fn imports(module: &Module, source: &str, all: &BTreeMap<Module, String>) -> BTreeSet<Module> {
    let resolve = |path: Vec<String>| {
        (0..=path.len())
            .rev()
            .map(|i| path[..i].to_vec())
            .find(|m| all.contains_key(m))
    };
    let mut out = BTreeSet::new();
    for path in paths(source) {
        let supers = path.iter().take_while(|s| *s == "super").count();
        let target = if path.starts_with(&["crate".into(), "tui".into()]) {
            path[2..].to_vec()
        } else if supers > 0 && supers <= module.len() {
            [&module[..module.len() - supers], &path[supers..]].concat()
        } else if path.first().is_some_and(|s| s == "self") {
            [&module[..], &path[1..]].concat()
        } else if all.contains_key(&[&module[..], &path[..1]].concat()) && path.len() > 1 {
            // A mod.rs naming a child module directly.
            [&module[..], &path[..]].concat()
        } else {
            continue;
        };
        if let Some(m) = resolve(target).filter(|m| m != module) {
            out.insert(m);
        }
    }
    out
}

#[test]
fn no_file_in_src_tui_imports_a_file_that_leads_back_to_it() {
    let mut all = BTreeMap::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui"),
        &[],
        &mut all,
    );
    assert!(all.len() > 10, "found the tui sources: {:?}", all.keys());
    let graph: BTreeMap<&Module, BTreeSet<Module>> = all
        .iter()
        .map(|(m, src)| (m, imports(m, src, &all)))
        .collect();
    // The old cycle's shape is caught: render/mod.rs imports its panels.
    assert!(
        graph[&vec!["render".to_string()]].contains(&vec!["render".into(), "ring_gauge".into()])
    );
    // Depth-first search from every module: reaching the start again is a cycle.
    for start in graph.keys() {
        let mut stack: Vec<(&Module, Vec<&Module>)> = vec![(*start, vec![*start])];
        let mut seen = BTreeSet::new();
        while let Some((m, trail)) = stack.pop() {
            for next in &graph[m] {
                assert!(next != *start, "import cycle: {trail:?} -> {next:?}");
                if seen.insert(next) {
                    stack.push((next, [&trail[..], &[next]].concat()));
                }
            }
        }
    }
}
