//! Playthroughs: scripted sessions with their expected results, and a replay of the best and
//! worst path of every bundled scenario.
//!
//! Each `tests/playthroughs/NAME.toml` names a scenario file, a seed and the choice ids to
//! make, and states the expected final meters, raised flags, ending and score (or the error
//! that stops the script). The full sequence of events is a snapshot in `NAME.events`;
//! `UPDATE_EXPECT=1` rewrites the snapshots, never the stated expectations.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{crate_dir, load_clean, render_events};
use frontline_engine::analysis::{self, Method, PathReport};
use frontline_engine::{Event, Scenario, Session, code};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Playthrough {
    /// Path of the scenario file, relative to the playthrough file.
    scenario: String,
    seed: u64,
    choices: Vec<String>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Every meter's final value.
    meters: BTreeMap<String, i32>,
    /// The flags raised at the end, in any order.
    flags: Vec<String>,
    /// The ending scene, or none if the script stops before an ending.
    ending: Option<String>,
    score: i32,
    /// A choice the script makes that the session refuses.
    error: Option<ExpectError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectError {
    /// 1-based number of the refused decision in `choices`.
    decision: usize,
    message: String,
}

fn playthrough_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(crate_dir().join("tests/playthroughs"))
        .expect("tests/playthroughs exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Plays one script and returns the list of ways it differs from its expectations.
fn run_playthrough(path: &Path, update: bool) -> Vec<String> {
    let name = path
        .file_stem()
        .and_then(|n| n.to_str())
        .expect("utf-8 name");
    let text = fs::read_to_string(path).expect("readable playthrough");
    let script: Playthrough =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: bad playthrough file: {e}"));
    let scenario = load_clean(&path.parent().expect("has a parent").join(&script.scenario));
    let mut failures = Vec::new();

    let mut session = Session::new(scenario.clone(), script.seed);
    let mut transcript = format!("start {}: {}\n", session.scene().id, session.scene_text());
    let mut refused = None;
    for (n, id) in script.choices.iter().enumerate() {
        match session.choose(id) {
            Ok(events) => transcript.push_str(&render_events(&session, &events)),
            Err(e) => {
                transcript.push_str(&format!("refused {id}: {e}\n"));
                refused = Some((n + 1, e.to_string()));
                break;
            }
        }
    }

    let expect = &script.expect;
    match (&refused, &expect.error) {
        (None, None) => {}
        (Some((n, msg)), Some(want)) if *n == want.decision && *msg == want.message => {}
        (got, want) => failures.push(format!(
            "{name}: refusal {got:?}, expected {:?}",
            want.as_ref().map(|w| (w.decision, &w.message))
        )),
    }
    let meters: BTreeMap<String, i32> = scenario
        .meters
        .iter()
        .zip(session.meters())
        .map(|(m, v)| (m.id.clone(), *v))
        .collect();
    if meters != expect.meters {
        failures.push(format!(
            "{name}: meters {meters:?}, expected {:?}",
            expect.meters
        ));
    }
    let mut flags: Vec<String> = scenario
        .flags
        .iter()
        .zip(session.flags())
        .filter(|(_, raised)| **raised)
        .map(|(f, _)| f.clone())
        .collect();
    let mut want_flags = expect.flags.clone();
    flags.sort();
    want_flags.sort();
    if flags != want_flags {
        failures.push(format!("{name}: flags {flags:?}, expected {want_flags:?}"));
    }
    let ending = session.is_ended().then(|| session.scene().id.clone());
    if ending != expect.ending {
        failures.push(format!(
            "{name}: ending {ending:?}, expected {:?}",
            expect.ending
        ));
    }
    if session.score() != expect.score {
        failures.push(format!(
            "{name}: score {}, expected {}",
            session.score(),
            expect.score
        ));
    }

    // The same session comes back from a replay and from its session code.
    let made: Vec<&str> = session.choice_ids();
    let replayed = Session::replay(scenario.clone(), script.seed, &made).expect("replays");
    assert_same_session(name, &session, &replayed);
    let decoded = code::decode(&code::encode(&session), scenario).expect("decodes");
    assert_same_session(name, &session, &decoded);

    let events_path = path.with_extension("events");
    if update {
        fs::write(&events_path, &transcript).expect("writable .events file");
    } else {
        match fs::read_to_string(&events_path) {
            Ok(want) if want == transcript => {}
            Ok(want) => failures.push(format!(
                "{name}: events differ (UPDATE_EXPECT=1 to accept)\n--- expected\n{want}+++ actual\n{transcript}"
            )),
            Err(_) => failures.push(format!(
                "{name}: {} is missing (run with UPDATE_EXPECT=1)",
                events_path.display()
            )),
        }
    }
    failures
}

fn assert_same_session(name: &str, a: &Session, b: &Session) {
    assert_eq!(a.scene_idx(), b.scene_idx(), "{name}: scene");
    assert_eq!(a.meters(), b.meters(), "{name}: meters");
    assert_eq!(a.flags(), b.flags(), "{name}: flags");
    assert_eq!(a.fired(), b.fired(), "{name}: triggers");
    assert_eq!(a.history(), b.history(), "{name}: history");
    assert_eq!(a.draws(), b.draws(), "{name}: draws");
}

#[test]
fn scripted_playthroughs_match_their_expectations() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let files = playthrough_files();
    assert!(files.len() >= 5, "only {} playthroughs", files.len());
    let failures: Vec<String> = files
        .iter()
        .flat_map(|p| run_playthrough(p, update))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The outcome id drawn by a decision's events, if it had a chance outcome.
fn drawn_outcome(session: &Session, events: &[Event]) -> Option<String> {
    let (scene, choice) = events.iter().find_map(|e| match e {
        Event::ChoiceMade { scene, choice } => Some((*scene, *choice)),
        _ => None,
    })?;
    let outcome = events.iter().find_map(|e| match e {
        Event::ChanceDrawn { outcome, .. } => Some(*outcome),
        _ => None,
    })?;
    match &session.scenario().scene(scene).choices()[choice].next {
        frontline_engine::scenario::Next::Chance(os) => Some(os[outcome].id.clone()),
        frontline_engine::scenario::Next::Scene(_) => None,
    }
}

/// Plays a path from an analysis report through the public session API. Chance outcomes
/// come from the seed, so this tries seeds in order until one draws the path's outcomes.
fn play_path(scenario: &Arc<Scenario>, path: &PathReport, what: &str) -> (u64, Session) {
    const MAX_SEEDS: u64 = 2_000_000;
    'seeds: for seed in 0..MAX_SEEDS {
        let mut session = Session::new(scenario.clone(), seed);
        for (n, step) in path.steps.iter().enumerate() {
            assert_eq!(
                session.scene().id,
                step.scene,
                "{what}: step {} starts in the wrong scene",
                n + 1
            );
            let events = session
                .choose(&step.choice)
                .unwrap_or_else(|e| panic!("{what}: step {} ({}): {e}", n + 1, step.choice));
            if drawn_outcome(&session, &events) != step.outcome {
                continue 'seeds;
            }
        }
        return (seed, session);
    }
    panic!("{what}: no seed below {MAX_SEEDS} draws the path's chance outcomes");
}

/// Loads a scenario with zero diagnostics, analyses it, and replays its best and worst paths.
fn check_best_and_worst(label: &str, path: &Path) -> Arc<Scenario> {
    let scenario = load_clean(path);
    let report = analysis::analyze(&scenario, analysis::Options::default());
    if let Method::MonteCarlo { .. } = report.method {
        assert_eq!(
            report.unfinished, 0,
            "{label}: random playthroughs that never end"
        );
    }
    for (what, found) in [("best", &report.best), ("worst", &report.worst)] {
        let found = found
            .as_ref()
            .unwrap_or_else(|| panic!("{label}: no {what} path"));
        let (seed, session) = play_path(&scenario, found, &format!("{label} {what}"));
        assert!(session.is_ended(), "{label} {what}: did not end");
        assert_eq!(session.scene().id, found.ending, "{label} {what}: ending");
        assert_eq!(
            session.ending().map(|e| e.rating),
            Some(found.rating),
            "{label} {what}: rating"
        );
        assert_eq!(session.score(), found.score, "{label} {what}: score");
        println!(
            "{label}: {what} path, {} decisions, seed {seed} -> {} (score {})",
            found.steps.len(),
            found.ending,
            found.score
        );
    }
    let (best, worst) = (report.best.unwrap(), report.worst.unwrap());
    assert!(best.score >= worst.score, "{label}: best below worst");
    scenario
}

#[test]
fn sample_best_and_worst_paths_replay() {
    let path = crate_dir().join("tests/fixtures/sample.toml");
    let scenario = check_best_and_worst("sample", &path);
    // Worked out by hand from the fixture; see tests/playthroughs/best-path.toml.
    let report = analysis::analyze(&scenario, analysis::Options::default());
    let best = report.best.expect("a best path");
    let worst = report.worst.expect("a worst path");
    assert_eq!((best.ending.as_str(), best.score), ("end-thriving", 93));
    assert_eq!((worst.ending.as_str(), worst.score), ("end-burnout", 7));
    assert_eq!(report.method, Method::Exhaustive { paths: 19 });
}

#[test]
fn every_bundled_scenario_loads_cleanly_and_its_best_and_worst_paths_replay() {
    let files = common::scenario_files();
    println!("{} bundled scenarios", files.len());
    let mut ids = BTreeMap::new();
    for path in &files {
        let label = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        let scenario = check_best_and_worst(&label, path);
        if let Some(other) = ids.insert(scenario.meta.id.clone(), label.clone()) {
            panic!("{label} and {other} share the id '{}'", scenario.meta.id);
        }
    }
}
