//! Helpers shared by the integration tests: loading fixtures and the bundled scenarios, and
//! rendering events as readable text for snapshots.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use frontline_engine::scenario::Next;
use frontline_engine::{Event, Scenario, Session, load};

/// The engine crate's directory.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a scenario file, failing the test on any error or warning.
pub fn load_clean(path: &Path) -> Arc<Scenario> {
    let src =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.display().to_string();
    match load(&name, &src) {
        Ok(loaded) => {
            let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
            assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
            Arc::new(loaded.scenario)
        }
        Err(diags) => {
            let all: Vec<String> = diags.iter().map(ToString::to_string).collect();
            panic!("{} does not load:\n{}", name, all.join("\n"));
        }
    }
}

/// A fixture from `tests/fixtures`, by file stem.
pub fn fixture(name: &str) -> Arc<Scenario> {
    load_clean(
        &crate_dir()
            .join("tests/fixtures")
            .join(format!("{name}.toml")),
    )
}

/// The source of a fixture.
pub fn fixture_src(name: &str) -> String {
    let path = crate_dir()
        .join("tests/fixtures")
        .join(format!("{name}.toml"));
    fs::read_to_string(path).expect("fixture exists")
}

/// Every `.toml` file in the workspace's `scenarios/` directory, sorted.
pub fn scenario_files() -> Vec<PathBuf> {
    let dir = crate_dir().join("../../scenarios");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// The fixtures and every bundled scenario, loaded.
pub fn all_scenarios() -> Vec<(String, Arc<Scenario>)> {
    let mut out = vec![
        ("fixtures/sample.toml".to_owned(), fixture("sample")),
        ("fixtures/loop.toml".to_owned(), fixture("loop")),
    ];
    for path in scenario_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        out.push((format!("scenarios/{name}"), load_clean(&path)));
    }
    out
}

/// Whether the scene graph has no cycle, so every playthrough ends within `scenes.len()`
/// decisions.
pub fn is_acyclic(scenario: &Scenario) -> bool {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    fn visit(scenario: &Scenario, s: usize, mark: &mut [u8]) -> bool {
        match mark[s] {
            1 => return false,
            2 => return true,
            _ => {}
        }
        mark[s] = 1;
        for choice in scenario.scenes[s].choices() {
            let targets: Vec<usize> = match &choice.next {
                Next::Scene(t) => vec![t.0],
                Next::Chance(os) => os.iter().map(|o| o.goto.0).collect(),
            };
            for t in targets {
                if !visit(scenario, t, mark) {
                    return false;
                }
            }
        }
        mark[s] = 2;
        true
    }
    let mut mark = vec![0u8; scenario.scenes.len()];
    (0..scenario.scenes.len()).all(|s| visit(scenario, s, &mut mark))
}

/// One decision's events as text, one line each, naming scenes, choices, outcomes, meters,
/// flags and triggers by id. `session` is the session just after the decision; it supplies
/// the text shown on entering the new scene.
pub fn render_events(session: &Session, events: &[Event]) -> String {
    let scenario = session.scenario();
    let mut out = String::new();
    let mut choice = None;
    for e in events {
        match e {
            Event::ChoiceMade { scene, choice: c } => {
                let s = scenario.scene(*scene);
                choice = Some(&s.choices()[*c]);
                let _ = writeln!(out, "choose {}/{}", s.id, s.choices()[*c].id);
            }
            Event::ChanceDrawn {
                outcome,
                roll,
                weight,
                total,
            } => {
                let id = match choice.map(|c| &c.next) {
                    Some(Next::Chance(os)) => os[*outcome].id.as_str(),
                    _ => "?",
                };
                let _ = writeln!(
                    out,
                    "  chance {id}: roll {roll} of {total}, weight {weight}"
                );
            }
            Event::MeterChanged {
                meter,
                before,
                after,
            } => {
                let _ = writeln!(
                    out,
                    "  meter {} {before} -> {after}",
                    scenario.meters[meter.0].id
                );
            }
            Event::FlagChanged { flag, raised } => {
                let verb = if *raised { "raised" } else { "lowered" };
                let _ = writeln!(out, "  flag {} {verb}", scenario.flags[flag.0]);
            }
            Event::TriggerFired { trigger } => {
                let _ = writeln!(out, "  trigger {}", scenario.triggers[trigger.0].id);
            }
            Event::SceneEntered { scene } => {
                let _ = writeln!(
                    out,
                    "  enter {}: {}",
                    scenario.scene(*scene).id,
                    session.scene_text()
                );
            }
            Event::EndingReached {
                scene,
                rating,
                score,
                passed,
            } => {
                let verdict = if *passed { "passed" } else { "not passed" };
                let _ = writeln!(
                    out,
                    "  ending {} ({}), score {score}, {verdict}",
                    scenario.scene(*scene).id,
                    rating.as_str()
                );
            }
        }
    }
    out
}
