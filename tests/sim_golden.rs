//! `simulate` JSON (outside its `wall` figures) is pinned for every shipped scenario and a
//! few seeds, so a restructuring that should change no behaviour is checked to change none.
//!
//! The files under `tests/data/golden_simulate/` were written by the binary before the
//! restructuring. A change that is *meant* to alter results rewrites them with
//! `RINGSIDE_BLESS=1 cargo test --release --test sim_golden` and says why in its commit.

use std::path::PathBuf;
use std::process::Command;

const SEEDS: [u64; 2] = [1, 42];
const DURATION: &str = "30s";

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden_simulate")
}

fn shipped_scenarios() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("assets/scenarios")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names
}

fn run_json(scenario: &str, seed: u64) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ringside"))
        .args(["simulate", "--scenario", scenario, "--duration", DURATION])
        .args(["--seed", &seed.to_string(), "--format", "json"])
        .env_remove("RINGSIDE_LIMITER")
        .output()
        .expect("run ringside simulate");
    assert!(
        out.status.success(),
        "simulate {scenario} seed {seed} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut value: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("simulate prints JSON");
    let wall = value.as_object_mut().and_then(|o| o.remove("wall"));
    assert!(wall.is_some(), "the report has a wall section to strip");
    value
}

#[test]
fn simulate_json_matches_the_golden_files() {
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 10, "found {scenarios:?}");
    let bless = std::env::var_os("RINGSIDE_BLESS").is_some();
    let mut mismatches = Vec::new();
    for scenario in &scenarios {
        for seed in SEEDS {
            let got = run_json(scenario, seed);
            let path = golden_dir().join(format!("{scenario}-seed{seed}.json"));
            if bless {
                let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
                std::fs::write(&path, text).expect("write golden file");
                continue;
            }
            let want: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            )
            .expect("golden file is JSON");
            if got != want {
                mismatches.push(format!("{scenario} seed {seed}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "simulate JSON changed for: {mismatches:?}"
    );
}
