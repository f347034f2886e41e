//! Verdicts a learner can trust, checked over every bundled scenario:
//!
//! - (a) the verdict order: every playthrough ending in a better-rated ending scores higher
//!   than every playthrough ending in a worse-rated one;
//! - (b) passing is the same as a rating at or above the pass rating, and the same as a score
//!   at or above the pass mark;
//! - (c) the what-ifs never rank a worse-rated ending above a better one: at each decision of
//!   sampled sessions, the alternative they name leads to the best outcome among the
//!   alternatives in the verdict order, and `same_ending` and `Mattered` agree with the
//!   outcomes of every choice on offer, each found here by brute force over real sessions.
//!
//! (a) and (b) cover every reachable (ending, final meters) pair, which is all a verdict
//! depends on, found by the analysis' search over every reachable state; a scenario with too
//! many states falls back to seeded random sessions, and the output says so.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use frontline_engine::analysis::reachable_endings;
use frontline_engine::debrief::{self, Mattered, Outcome};
use frontline_engine::scenario::{Rating, SceneIdx, Verdict};
use frontline_engine::{Scenario, Session};

/// States the search may meet before a scenario is sampled instead.
const MAX_STATES: usize = 1_000_000;
/// Random sessions per scenario when it is sampled.
const SAMPLED_RUNS: u64 = 20_000;
/// Sessions per scenario whose what-ifs are checked.
const WHAT_IF_SEEDS: u64 = 2;

/// A small deterministic generator for the sessions' choices (the sessions' own seeds draw
/// the chance outcomes).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Plays a session to its end, picking among the choices on offer at random.
fn random_session(scenario: &Arc<Scenario>, seed: u64) -> Session {
    let mut session = Session::new(scenario.clone(), seed);
    let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
    while !session.is_ended() {
        let options: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        session
            .choose_index(options[rng.below(options.len())])
            .expect("available");
    }
    session
}

/// Every verdict a scenario gives: from every reachable ending state, or sampled sessions.
fn verdicts(label: &str, scenario: &Arc<Scenario>) -> Vec<(SceneIdx, Verdict)> {
    let rating = |s: SceneIdx| scenario.scene(s).ending().expect("an ending").rating;
    match reachable_endings(scenario, MAX_STATES) {
        Some(ends) => {
            println!(
                "{label}: every reachable ending state, {} distinct (ending, meters)",
                ends.len()
            );
            ends.into_iter()
                .map(|(s, meters)| (s, scenario.verdict(rating(s), &meters)))
                .collect()
        }
        None => {
            println!("{label}: too many states; sampled {SAMPLED_RUNS} random sessions");
            (0..SAMPLED_RUNS)
                .map(|seed| {
                    let session = random_session(scenario, seed);
                    let verdict = session.verdict().expect("ended");
                    (session.scene_idx(), verdict)
                })
                .collect()
        }
    }
}

#[test]
fn better_ratings_score_higher_and_passing_is_the_pass_rating() {
    let files = common::scenario_files();
    assert!(files.len() >= 8, "only {} bundled scenarios", files.len());
    for path in &files {
        let label = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let scenario = common::load_clean(path);
        let verdicts = verdicts(label, &scenario);
        assert!(!verdicts.is_empty(), "{label}: no ending reached");
        let pass = scenario.scoring.pass;
        let pass_mark = scenario.scoring.pass_mark();
        // Per rating: the lowest and highest score.
        let mut range: HashMap<Rating, (i32, i32)> = HashMap::new();
        for (scene, v) in &verdicts {
            let id = &scenario.scene(*scene).id;
            assert_eq!(
                Some(v.rating),
                scenario.scene(*scene).ending().map(|e| e.rating),
                "{label}: {id}: the verdict's rating is the ending's"
            );
            assert!((0..=100).contains(&v.score), "{label}: {id}: {v:?}");
            // (b): pass <=> rating at or above the pass rating <=> score at or above the mark.
            assert_eq!(v.passed, v.rating <= pass, "{label}: {id}: {v:?}");
            assert_eq!(v.passed, v.score >= pass_mark, "{label}: {id}: {v:?}");
            assert_eq!(v.pass_mark, pass_mark, "{label}: {id}");
            let r = range.entry(v.rating).or_insert((v.score, v.score));
            r.0 = r.0.min(v.score);
            r.1 = r.1.max(v.score);
        }
        // (a): a better rating's lowest score is above a worse rating's highest.
        for better in Rating::ALL {
            for worse in Rating::ALL.into_iter().filter(|w| *w > better) {
                if let (Some(b), Some(w)) = (range.get(&better), range.get(&worse)) {
                    assert!(
                        b.0 > w.1,
                        "{label}: {} scores {}-{} but {} scores {}-{}",
                        better.as_str(),
                        b.0,
                        b.1,
                        worse.as_str(),
                        w.0,
                        w.1
                    );
                }
            }
        }
        let ranges: Vec<String> = Rating::ALL
            .into_iter()
            .filter_map(|r| {
                range
                    .get(&r)
                    .map(|(lo, hi)| format!("{} {lo}-{hi}", r.as_str()))
            })
            .collect();
        println!("  {}", ranges.join(", "));
    }
}

/// Where the best play from a session leads, with the session's own dice, by trying every
/// line of choices; memoised on everything that decides the future (scene, meters, flags,
/// fired triggers and draws made, the seed being shared).
struct BestPlay {
    memo: HashMap<Key, Outcome>,
}

/// Scene, meters, flags, fired triggers and draws made.
type Key = (SceneIdx, Vec<i32>, Vec<bool>, Vec<bool>, u32);

impl BestPlay {
    fn best(&mut self, session: &Session) -> Outcome {
        if let Some(v) = session.verdict() {
            return Outcome {
                ending: session.scene_idx(),
                rating: v.rating,
                score: v.score,
            };
        }
        let key = (
            session.scene_idx(),
            session.meters().to_vec(),
            session.flags().to_vec(),
            session.fired().to_vec(),
            session.draws(),
        );
        if let Some(o) = self.memo.get(&key) {
            return *o;
        }
        let options: Vec<usize> = session.available_choices().map(|(i, _)| i).collect();
        let mut best: Option<Outcome> = None;
        for i in options {
            let mut next = session.clone();
            next.choose_index(i).expect("available");
            let o = self.best(&next);
            if best.is_none_or(|b| o.beats(&b)) {
                best = Some(o);
            }
        }
        let best = best.expect("a scene that is not an ending offers a choice");
        self.memo.insert(key, best);
        best
    }
}

#[test]
fn what_ifs_rank_by_the_verdict_order_and_say_whether_a_decision_mattered() {
    for path in common::scenario_files() {
        let label = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let scenario = common::load_clean(&path);
        let mut decisions = 0;
        for seed in 0..WHAT_IF_SEEDS {
            let session = random_session(&scenario, seed);
            let what_ifs = debrief::what_ifs(&session);
            assert_eq!(what_ifs.len(), session.history().len(), "{label}");
            if what_ifs.iter().any(|w| !w.exhaustive) {
                // Past its budget the search plays on by taking the first choice, so it is
                // no longer the best play; a brute force would be as large.
                println!("{label} seed {seed}: the what-if search ran out of budget; skipped");
                continue;
            }
            let mut brute = BestPlay {
                memo: HashMap::new(),
            };
            for w in &what_ifs {
                decisions += 1;
                let at = session.rewound(w.decision);
                let chosen = session.history()[w.decision].choice;
                // Every choice on offer and where it leads with the best play afterwards.
                let outcomes: Vec<(usize, Outcome)> = at
                    .available_choices()
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|i| {
                        let mut next = at.clone();
                        next.choose_index(i).expect("available");
                        (i, brute.best(&next))
                    })
                    .collect();
                let here = format!("{label} seed {seed} decision {}", w.decision);
                let mine = outcomes
                    .iter()
                    .find(|(i, _)| *i == chosen)
                    .map(|(_, o)| *o)
                    .expect("the player's choice was on offer");
                assert_eq!(w.chosen_at_best, mine, "{here}: the chosen line's best");
                let alternatives: Vec<Outcome> = outcomes
                    .iter()
                    .filter(|(i, _)| *i != chosen)
                    .map(|(_, o)| *o)
                    .collect();
                match (w.alternative, w.alternative_leads_to) {
                    (None, None) => {
                        assert!(alternatives.is_empty(), "{here}: an alternative was missed");
                        assert_eq!(w.mattered(), Mattered::NoAlternative, "{here}");
                    }
                    (Some(i), Some(named)) => {
                        assert_ne!(i, chosen, "{here}");
                        let its = outcomes.iter().find(|(j, _)| *j == i).map(|(_, o)| *o);
                        assert_eq!(its, Some(named), "{here}: the named alternative's outcome");
                        // No alternative is better in the verdict order than the one named;
                        // in particular none has a better rating.
                        for o in &alternatives {
                            assert!(!o.beats(&named), "{here}: {o:?} beats {named:?}");
                            assert!(o.rating >= named.rating, "{here}: {o:?} vs {named:?}");
                        }
                    }
                    other => panic!("{here}: half an alternative: {other:?}"),
                }
                // The verdict order on outcomes is the verdict order on ratings first.
                for a in outcomes.iter().map(|(_, o)| o) {
                    for b in outcomes.iter().map(|(_, o)| o) {
                        if a.rating < b.rating {
                            assert!(a.score > b.score && a.beats(b), "{here}: {a:?} vs {b:?}");
                        }
                    }
                }
                let same_ending = outcomes.iter().all(|(_, o)| o.ending == mine.ending);
                assert_eq!(w.same_ending, same_ending, "{here}: same_ending");
                let expected = if alternatives.is_empty() {
                    Mattered::NoAlternative
                } else if same_ending {
                    Mattered::SameEnding
                } else if alternatives.iter().any(|o| o.beats(&mine)) {
                    Mattered::AlternativeBetter
                } else {
                    Mattered::ChoiceWasBest
                };
                assert_eq!(w.mattered(), expected, "{here}: mattered");
            }
        }
        println!("{label}: what-ifs of {WHAT_IF_SEEDS} random sessions, {decisions} decisions");
    }
}
