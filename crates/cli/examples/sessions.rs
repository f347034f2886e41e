//! Session codes for the browser tests and benchmarks: for each scenario file given, its
//! analysis's best and worst paths (each with a seed whose dice play them out exactly), the
//! longest of 500 random playthroughs and the lowest-scoring one that still passes the
//! scenario's own pass mark, and random playthroughs with seeds 1 to 8. Each path comes with
//! its choices' texts, its verdict and what each decision meant (`WhatIf::mattered`). JSON on
//! stdout, keyed by scenario id.
//!
//! ```sh
//! cargo run -q -p frontline-cli --example sessions -- scenarios/policy.toml
//! ```
//!
//! A path's `start` is the session code of its seed with no decision made yet: stored as the
//! scenario's save, it makes the app's next playthrough meet the same dice, so a test can
//! play the path by clicking the choices' texts (`steps[].text`).

use std::process::ExitCode;
use std::sync::Arc;

use frontline_engine::analysis::{self, PathReport};
use frontline_engine::debrief::{self, Mattered};
use frontline_engine::{Scenario, Session, code, markdown};
use serde_json::{Value, json};

/// Seeds tried to find dice that play a path out.
const SEEDS: u64 = 100_000;
/// Random playthroughs searched for the longest and the lowest pass.
const RANDOM_RUNS: u64 = 500;

fn main() -> ExitCode {
    let mut out = serde_json::Map::new();
    for file in std::env::args().skip(1) {
        let src = match std::fs::read_to_string(&file) {
            Ok(src) => src,
            Err(e) => {
                eprintln!("sessions: {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let scenario = match frontline_engine::load(&file, &src) {
            Ok(loaded) => Arc::new(loaded.scenario),
            Err(diagnostics) => {
                for d in diagnostics {
                    eprintln!("{d}");
                }
                return ExitCode::FAILURE;
            }
        };
        let report = analysis::analyze(&scenario, analysis::Options::default());
        let path = |p: Option<&PathReport>| {
            p.and_then(|p| seeded(&scenario, p))
                .map_or(Value::Null, |s| described(&s))
        };
        let runs: Vec<Session> = (1..=RANDOM_RUNS)
            .map(|seed| random(&scenario, seed))
            .collect();
        let longest = runs.iter().max_by_key(|s| s.history().len());
        let lowest_pass = runs
            .iter()
            .filter(|s| s.verdict().is_some_and(|v| v.passed))
            .min_by_key(|s| s.verdict().map(|v| v.score));
        let entry = json!({
            "best": path(report.best.as_ref()),
            "worst": path(report.worst.as_ref()),
            "longest": longest.map_or(Value::Null, described),
            "lowest_pass": lowest_pass.map_or(Value::Null, described),
            "random": (1..=8).map(|seed| code::encode(&random(&scenario, seed))).collect::<Vec<_>>(),
        });
        out.insert(scenario.meta.id.clone(), entry);
    }
    match serde_json::to_string_pretty(&Value::Object(out)) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sessions: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The path played out with the first seed whose dice give its chance outcomes.
fn seeded(scenario: &Arc<Scenario>, path: &PathReport) -> Option<Session> {
    (1..=SEEDS).find_map(|seed| {
        let mut s = Session::new(scenario.clone(), seed);
        for step in &path.steps {
            s.choose(&step.choice).ok()?;
        }
        let same = s.is_ended()
            && s.scene().id == path.ending
            && s.verdict().is_some_and(|v| v.score == path.score);
        same.then_some(s)
    })
}

/// A playthrough with random choices (a xorshift on the seed) and the seed's dice.
fn random(scenario: &Arc<Scenario>, seed: u64) -> Session {
    let mut s = Session::new(scenario.clone(), seed);
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..1_000 {
        if s.is_ended() {
            break;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let options: Vec<usize> = s.available_choices().map(|(i, _)| i).collect();
        if options.is_empty() {
            break;
        }
        let i = options[(x % options.len() as u64) as usize];
        if s.choose_index(i).is_err() {
            break;
        }
    }
    s
}

/// A session as JSON: its code, the code of its start (same seed, no decisions), the
/// choices made with their plain texts, the verdict, and what each decision meant.
fn described(s: &Session) -> Value {
    let scenario = s.scenario();
    let steps: Vec<Value> = s
        .history()
        .iter()
        .map(|d| {
            let scene = scenario.scene(d.scene);
            let choice = &scene.choices()[d.choice];
            json!({
                "scene": scene.id,
                "choice": choice.id,
                "text": markdown::plain(&choice.text),
            })
        })
        .collect();
    let verdict = s.verdict();
    let mattered: Vec<&str> = debrief::what_ifs(s)
        .iter()
        .map(|w| match w.mattered() {
            Mattered::NoAlternative => "no-alternative",
            Mattered::SameEnding => "same-ending",
            Mattered::AlternativeBetter => "alternative-better",
            Mattered::ChoiceWasBest => "choice-was-best",
        })
        .collect();
    json!({
        "code": code::encode(s),
        "start": code::encode(&Session::new(scenario.clone(), s.seed())),
        "seed": s.seed(),
        "decisions": s.history().len(),
        "steps": steps,
        "ending": s.scene().id,
        "rating": verdict.map(|v| v.rating.as_str()),
        "score": verdict.map(|v| v.score),
        "passed": verdict.map(|v| v.passed),
        "mattered": mattered,
    })
}
