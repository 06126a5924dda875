//! Every public type of the library layers (`patterns`, `realtime`, `redis`) carries a doc
//! example: a ```` ``` ```` block in the doc comment right above its `pub struct`, `pub
//! enum`, `pub trait` or `pub type` line. The examples themselves run as doctests.

mod support;

use support::source::{rust_files, src_dir};

/// The layers whose public types must each show an example.
const LAYERS: [&str; 3] = ["patterns", "realtime", "redis"];

/// The public type declared on `line` (`pub struct Name…` → `Name`), if any.
fn public_type(line: &str) -> Option<&str> {
    ["pub struct ", "pub enum ", "pub trait ", "pub type "]
        .iter()
        .find_map(|kw| line.strip_prefix(kw))
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
}

/// The `///` doc lines above line `at`, skipping the attributes between them and the item
/// (an attribute may span several lines; it ends with `]`).
fn doc_above(lines: &[&str], at: usize) -> Vec<String> {
    let mut doc = Vec::new();
    let mut in_attribute = false;
    for line in lines[..at].iter().rev().map(|l| l.trim()) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.to_owned());
        } else if in_attribute || (line.ends_with(']') && doc.is_empty()) {
            // An attribute's last line, or one inside it: it ends at its `#[` line.
            in_attribute = !line.starts_with("#[");
        } else {
            break;
        }
    }
    doc.reverse();
    doc
}

/// `file:line Name` for every public type in `layer` whose doc has no code block.
fn missing_examples(layer: &str) -> (usize, Vec<String>) {
    let root = src_dir();
    let mut seen = 0;
    let mut missing = Vec::new();
    for path in rust_files(&root.join(layer)) {
        let text = std::fs::read_to_string(&path).expect("read a source file");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(name) = public_type(line) else {
                continue;
            };
            seen += 1;
            if !doc_above(&lines, i)
                .iter()
                .any(|l| l.trim().starts_with("```"))
            {
                let rel = path.strip_prefix(&root).unwrap_or(&path).display();
                missing.push(format!("src/{rel}:{} {name}", i + 1));
            }
        }
    }
    missing.sort();
    (seen, missing)
}

#[test]
fn every_public_type_has_a_doc_example() {
    let mut missing = Vec::new();
    for layer in LAYERS {
        let (seen, mut gaps) = missing_examples(layer);
        assert!(
            seen > 0,
            "no public type found in src/{layer}: is the scan still right?"
        );
        missing.append(&mut gaps);
    }
    assert!(
        missing.is_empty(),
        "public types without a doc example (a ``` block in their doc comment):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_reads_docs_through_attributes() {
    let src = "/// Text.\n///\n/// ```\n/// x\n/// ```\n#[derive(\n    Debug,\n)]\n#[non_exhaustive]\npub enum E {}\n/// No example.\npub type T = u8;";
    let lines: Vec<&str> = src.lines().collect();
    assert_eq!(public_type(lines[9]), Some("E"));
    assert!(doc_above(&lines, 9).iter().any(|l| l.trim() == "```"));
    assert_eq!(public_type(lines[11]), Some("T"));
    assert_eq!(doc_above(&lines, 11), vec![" No example.".to_owned()]);
}
