//! Scenario files: every shipped scenario runs; bad files give located, specific errors.

use ringside::sim::{Engine, Scenario, ScenarioError};

#[test]
fn each_shipped_scenario_loads_and_runs_60s() {
    let names: Vec<_> = Scenario::builtin_names().collect();
    assert_eq!(
        names,
        [
            "default",
            "failover",
            "hot-tenant",
            "scale-out",
            "retry-storm",
            "flapping",
            "tour",
            "ring-story",
            "limiter-story",
            "breaker-story",
            "compare-vnodes",
            "compare-breakers",
            "compare-limiters",
            "compare-hashing"
        ]
    );
    for name in names {
        let sc = Scenario::builtin(name).unwrap();
        assert_eq!(sc.name, name);
        assert!(!sc.description.is_empty() && !sc.description.contains('\n'));
        assert!(
            sc.events.iter().any(|e| e.caption.is_some()),
            "{name} has no captions"
        );
        let mut e = Engine::from_scenario(&sc, None).unwrap();
        e.advance(60_000_000_000);
        let snap = e.snapshot();
        assert_eq!(snap.now_ns, 60_000_000_000);
        assert!(snap.totals.requests > 10_000, "{name}: {:?}", snap.totals);
        // Every timeline event applied cleanly.
        assert!(
            !snap
                .log
                .iter()
                .any(|l| l.kind == ringside::sim::LogKind::Error),
            "{name}: {:?}",
            snap.log
        );
        assert!(snap.caption.is_some());
    }
}

#[test]
fn default_shows_all_three_patterns_within_ten_seconds() {
    let sc = Scenario::builtin("default").unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(10_000_000_000);
    let snap = e.snapshot();
    assert!(snap.totals.rate_limited > 0);
    assert!(snap.servers.iter().any(|s| !s.transitions.is_empty()));
    assert!(snap.totals.failed_over > 0);
    assert_eq!(snap.membership_changes.len(), 1);
    assert_eq!(snap.servers.len(), 4);
}

const BASE: &str = r#"name = "bad"
[[servers]]
name = "a"
[[servers]]
name = "b"
"#;

fn err(text: &str) -> ScenarioError {
    Scenario::from_toml(text, "bad.toml").expect_err("should be rejected")
}

fn at(text: &str) -> (usize, usize, String) {
    match err(text) {
        ScenarioError::At {
            file,
            line,
            column,
            message,
        } => {
            assert_eq!(file, "bad.toml");
            (line, column, message)
        }
        other => panic!("expected a located error, got {other:?}"),
    }
}

#[test]
fn syntax_error_is_located() {
    let (line, col, msg) = at("name = \"x\"\n[[servers]\nname = \"a\"\n");
    assert_eq!((line, col), (2, 11));
    assert!(msg.contains("expected `]`"), "{msg}");
    let full = err("name = \"x\"\n[[servers]\nname = \"a\"\n").to_string();
    assert!(full.starts_with("bad.toml:2:11: "), "{full}");
}

#[test]
fn unknown_field_is_located_and_lists_expected() {
    let (line, col, msg) = at(&format!("{BASE}[traffic]\nrat = 5.0\n"));
    assert_eq!((line, col), (7, 1));
    assert!(
        msg.contains("unknown field `rat`") && msg.contains("`rate`"),
        "{msg}"
    );
}

#[test]
fn wrong_type() {
    let (line, _, msg) = at(&format!("{BASE}[traffic]\nrate = \"fast\"\n"));
    assert_eq!(line, 7);
    assert!(msg.contains("invalid type") && msg.contains("f64"), "{msg}");
}

#[test]
fn unknown_server_in_event() {
    let (line, col, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"heal\"\nserver = \"zeta\"\n"
    ));
    assert_eq!((line, col), (9, 10));
    assert!(
        msg.contains("unknown server 'zeta'") && msg.contains("a, b"),
        "{msg}"
    );
}

#[test]
fn server_removed_earlier_is_unknown_later() {
    let (line, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"remove_server\"\nserver = \"a\"\n\
         [[events]]\nat = \"2s\"\naction = \"inject_fault\"\nserver = \"a\"\nfault = \"down\"\n"
    ));
    assert_eq!(line, 13);
    assert!(msg.contains("unknown server 'a'"), "{msg}");
}

#[test]
fn negative_rate() {
    let (line, _, msg) = at(&format!("{BASE}[traffic]\nrate = -5.0\n"));
    assert_eq!(line, 7);
    assert!(
        msg.contains("traffic.rate") && msg.contains("≥ 0") && msg.contains("-5"),
        "{msg}"
    );
}

#[test]
fn zero_capacity() {
    let (line, _, msg) = at(&format!("{BASE}[limiter]\ncapacity = 0\n"));
    assert_eq!(line, 7);
    assert!(msg.contains("limiter.capacity must be at least 1"), "{msg}");
    let (_, _, msg) = at(&format!("{BASE}[server_defaults]\ncapacity = 0\n"));
    assert!(
        msg.contains("server_defaults.capacity must be at least 1"),
        "{msg}"
    );
}

#[test]
fn non_increasing_event_time() {
    let (line, col, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"5s\"\ncaption = \"one\"\n[[events]]\nat = \"5000ms\"\ncaption = \"two\"\n"
    ));
    assert_eq!((line, col), (10, 6));
    assert!(
        msg.contains("event times must increase") && msg.contains("\"5s\""),
        "{msg}"
    );
}

#[test]
fn bad_duration_string() {
    let (line, col, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"10 parsecs\"\ncaption = \"x\"\n"
    ));
    assert_eq!((line, col), (7, 6));
    assert!(
        msg.contains("unknown unit \"parsecs\"") && msg.contains("\"500ms\""),
        "{msg}"
    );
    let (line, _, msg) = at(&format!("duration = \"60\"\n{BASE}"));
    assert_eq!(line, 1);
    assert!(msg.contains("missing unit"), "{msg}");
}

#[test]
fn unknown_action() {
    let (line, col, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"explode\"\nserver = \"a\"\n"
    ));
    assert_eq!((line, col), (8, 10));
    assert!(
        msg.contains("unknown action 'explode'") && msg.contains("add_server"),
        "{msg}"
    );
}

#[test]
fn duplicate_server() {
    let (line, col, msg) = at(&format!("{BASE}[[servers]]\nname = \"a\"\n"));
    assert_eq!((line, col), (7, 8));
    assert!(msg.contains("duplicate server name 'a'"), "{msg}");
    let (_, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"add_server\"\nserver = \"b\"\n"
    ));
    assert!(msg.contains("duplicate server name 'b'"), "{msg}");
}

#[test]
fn zero_vnodes() {
    let (line, col, msg) = at("name = \"x\"\nvnodes = 0\n[[servers]]\nname = \"a\"\n");
    assert_eq!((line, col), (2, 10));
    assert!(msg.contains("vnodes must be at least 1"), "{msg}");
}

#[test]
fn removing_the_last_server() {
    let (line, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"remove_server\"\nserver = \"a\"\n\
         [[events]]\nat = \"2s\"\naction = \"remove_server\"\nserver = \"b\"\n"
    ));
    assert_eq!(line, 13);
    assert!(
        msg.contains("cannot remove 'b': it is the last server"),
        "{msg}"
    );
}

#[test]
fn missing_parameters_and_bad_values() {
    let (_, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"set_rate\"\n"
    ));
    assert!(msg.contains("action `set_rate` needs `rate`"), "{msg}");
    let (_, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"inject_fault\"\nserver = \"a\"\nfault = \"meteor\"\n"
    ));
    assert!(msg.contains("unknown fault 'meteor'"), "{msg}");
    let (_, _, msg) = at(&format!("{BASE}[server_defaults]\nerror_rate = 1.5\n"));
    assert!(msg.contains("probability within 0..=1"), "{msg}");
    let (_, _, msg) = at(&format!(
        "{BASE}[traffic]\ntenant_popularity = \"pareto\"\n"
    ));
    assert!(msg.contains("invalid popularity \"pareto\""), "{msg}");
    let (_, _, msg) = at(&format!(
        "{BASE}[[events]]\nat = \"1s\"\naction = \"burst\"\ntenant = \"nobody\"\nrequests = 5\n"
    ));
    assert!(msg.contains("unknown tenant 'nobody'"), "{msg}");
    match err("name = \"x\"\nservers = []\n") {
        ScenarioError::Invalid { message, .. } => assert!(message.contains("[[servers]]")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Scenario::load("no-such-scenario"),
        Err(ScenarioError::Unknown { .. })
    ));
}

#[test]
fn breaker_policy_and_retry_budget_fields_are_checked() {
    let (line, _, msg) = at(&format!("{BASE}[breaker]\npolicy = \"sliding\"\n"));
    assert_eq!(line, 7);
    assert!(
        msg.contains("unknown variant `sliding`") && msg.contains("count-window"),
        "{msg}"
    );
    let (line, _, msg) = at(&format!(
        "{BASE}[breaker]\npolicy = \"count-window\"\nwindow_calls = 10\nminimum_calls = 20\n"
    ));
    assert_eq!(line, 9);
    assert!(
        msg.contains("breaker.minimum_calls (20) must be at most breaker.window_calls (10)"),
        "{msg}"
    );
    let (_, _, msg) = at(&format!("{BASE}[breaker]\nfailure_rate = 0\n"));
    assert!(
        msg.contains("breaker.failure_rate must be within 1..=100 (%), got 0"),
        "{msg}"
    );
    let (_, _, msg) = at(&format!("{BASE}[breaker]\nwindow_secs = 0\n"));
    assert!(
        msg.contains("breaker.window_secs must be within 1..=3600"),
        "{msg}"
    );
    let (_, _, msg) = at(&format!("{BASE}[traffic]\nretry_policy = \"forever\"\n"));
    assert!(
        msg.contains("unknown variant `forever`") && msg.contains("budget"),
        "{msg}"
    );
    let (_, _, msg) = at(&format!("{BASE}[traffic]\nretry_budget_window_secs = 61\n"));
    assert!(
        msg.contains("traffic.retry_budget_window_secs must be within 1..=60, got 61"),
        "{msg}"
    );
    // Written back only when not the default: a window scenario round-trips.
    let text = format!(
        "{BASE}[breaker]\npolicy = \"time-window\"\nwindow_secs = 5\nslow_call = \"2s\"\n[traffic]\nretry_policy = \"budget\"\nretries = 2\n"
    );
    let sc = Scenario::from_toml(&text, "ok.toml").unwrap();
    let again = Scenario::from_toml(&sc.to_toml().unwrap(), "again.toml").unwrap();
    assert_eq!(again, sc);
    let plain = Scenario::from_toml(BASE, "plain.toml")
        .unwrap()
        .to_toml()
        .unwrap();
    assert!(
        !plain.contains("policy") && !plain.contains("window"),
        "{plain}"
    );
}
