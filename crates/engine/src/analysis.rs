//! Analysis: what a scenario does under every way of playing it, for authors and tests.
//!
//! When the scenario is small enough, every path is enumerated exactly (each available choice
//! equally likely, chance outcomes by weight); otherwise it falls back to seeded Monte Carlo
//! play. The report gives the reachable endings and their probabilities, meter and score
//! ranges, the best and worst achievable scores with a path to each, choices never taken, and
//! whether the "greedy" player (always taking the choice whose immediate meter effects look
//! best) reaches the best ending.

use std::collections::{HashMap, HashSet, VecDeque};

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::Serialize;

use crate::scenario::*;
use crate::session::{State, draw_index};

/// How the numbers were found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// Every path was enumerated.
    Exhaustive {
        /// Number of distinct paths.
        paths: u64,
    },
    /// Random playthroughs.
    MonteCarlo {
        /// Number of playthroughs.
        runs: u32,
        /// Seed of the first playthrough.
        seed: u64,
    },
}

/// Statistics for one ending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndingStat {
    /// Scene id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Rating.
    pub rating: Rating,
    /// Probability under random play.
    pub probability: f64,
}

/// Statistics for one meter at the end of play.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeterStat {
    /// Meter id.
    pub id: String,
    /// Lowest final value.
    pub min: i32,
    /// Highest final value.
    pub max: i32,
    /// Mean final value under random play.
    pub mean: f64,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Scene id.
    pub scene: String,
    /// Choice id.
    pub choice: String,
    /// Chance outcome id, if any.
    pub outcome: Option<String>,
}

/// A complete path and where it ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathReport {
    /// Final score.
    pub score: i32,
    /// Ending scene id.
    pub ending: String,
    /// Ending rating.
    pub rating: Rating,
    /// The decisions.
    pub steps: Vec<Step>,
}

/// How the greedy player fares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Greedy {
    /// Endings reached with their probabilities (chance outcomes still vary).
    pub endings: Vec<(String, f64)>,
    /// Probability that the greedy player reaches an ending with the best rating.
    pub best_ending_probability: f64,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Scenario id.
    pub scenario: String,
    /// How it was computed.
    pub method: Method,
    /// Every ending, with its probability under random play (zero if never reached).
    pub endings: Vec<EndingStat>,
    /// Final meter values.
    pub meters: Vec<MeterStat>,
    /// Mean score under random play.
    pub mean_score: f64,
    /// Probability of passing under random play.
    pub pass_probability: f64,
    /// The best path found.
    pub best: Option<PathReport>,
    /// The worst path found.
    pub worst: Option<PathReport>,
    /// Choices never taken, as `scene/choice`.
    pub never_taken: Vec<String>,
    /// Playthroughs cut off because they looped too long (Monte Carlo only).
    pub unfinished: u32,
    /// The greedy player.
    pub greedy: Greedy,
}

/// Options for [`analyze`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Paths to enumerate before switching to Monte Carlo.
    pub max_paths: u64,
    /// Monte Carlo playthroughs.
    pub runs: u32,
    /// Monte Carlo seed.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_paths: 200_000,
            runs: 10_000,
            seed: 1,
        }
    }
}

/// Decisions after which a path is treated as a loop.
const MAX_DEPTH: usize = 200;

/// Scenes and choices that some play reaches, found by exploring distinct states.
#[derive(Debug, Clone)]
pub struct Seen {
    /// By scene index.
    pub scenes: Vec<bool>,
    /// By scene index, then choice index: offered at least once.
    pub choices: Vec<Vec<bool>>,
}

/// Explores every distinct state (scene, meters, flags, fired triggers) reachable from the
/// start. Returns `None` if there are more than `budget` states.
pub fn explore(scenario: &Scenario, budget: usize) -> Option<Seen> {
    let mut seen = Seen {
        scenes: vec![false; scenario.scenes.len()],
        choices: scenario
            .scenes
            .iter()
            .map(|s| vec![false; s.choices().len()])
            .collect(),
    };
    let start = State::start(scenario);
    let mut visited: HashSet<State> = HashSet::new();
    let mut queue = VecDeque::from([start.clone()]);
    visited.insert(start);
    let mut events = Vec::new();
    while let Some(state) = queue.pop_front() {
        seen.scenes[state.scene.0] = true;
        let choices: Vec<usize> = state.available(scenario).collect();
        for c in choices {
            seen.choices[state.scene.0][c] = true;
            let choice = &scenario.scene(state.scene).choices()[c];
            let n_outcomes = match &choice.next {
                Next::Scene(_) => 1,
                Next::Chance(os) => os.len(),
            };
            // Only a choice with outcomes draws; working out the weights costs a whole step.
            let weights = match &choice.next {
                Next::Scene(_) => Vec::new(),
                Next::Chance(_) => weights_when_drawn(scenario, &state, c),
            };
            for o in 0..n_outcomes {
                if !weights.is_empty() && weights[o] == 0 && weights.iter().any(|w| *w > 0) {
                    continue;
                }
                let mut next = state.clone();
                events.clear();
                next.step(scenario, c, &mut |_| (o, 0), &mut events);
                if visited.len() >= budget {
                    return None;
                }
                // Most successors have been seen before; copy a state only when it is new.
                if !visited.contains(&next) {
                    visited.insert(next.clone());
                    queue.push_back(next);
                }
            }
        }
    }
    Some(seen)
}

/// The outcome weights of choice `c` at the moment of the draw, which is after the choice's
/// own effects and flags have applied (as in [`State::step`]). Empty for a choice without
/// outcomes.
fn weights_when_drawn(scenario: &Scenario, state: &State, c: usize) -> Vec<u32> {
    let mut probe = state.clone();
    let mut seen = Vec::new();
    let mut events = Vec::new();
    probe.step(
        scenario,
        c,
        &mut |w| {
            seen = w.to_vec();
            (0, 0)
        },
        &mut events,
    );
    seen
}

/// Chance outcomes choice `c` can have now, with probabilities.
fn outcome_probs(scenario: &Scenario, state: &State, c: usize) -> Vec<(Option<usize>, f64)> {
    let choice = &scenario.scene(state.scene).choices()[c];
    match &choice.next {
        Next::Scene(_) => vec![(None, 1.0)],
        Next::Chance(os) => {
            let w = weights_when_drawn(scenario, state, c);
            let total: u64 = w.iter().map(|&x| u64::from(x)).sum();
            (0..os.len())
                .filter_map(|i| {
                    let p = if total == 0 {
                        1.0 / os.len() as f64
                    } else {
                        f64::from(w[i]) / total as f64
                    };
                    (p > 0.0).then_some((Some(i), p))
                })
                .collect()
        }
    }
}

/// How good a choice's immediate, visible effects look: the sum of goodness changes, with
/// chance outcomes weighted by their probability.
fn looks_good(scenario: &Scenario, state: &State, c: usize) -> f64 {
    let choice = &scenario.scene(state.scene).choices()[c];
    let gain = |effects: &[Effect]| -> f64 {
        effects
            .iter()
            .map(|e| {
                let m = &scenario.meters[e.meter.0];
                let before = state.meters[e.meter.0];
                f64::from(m.goodness(e.change.apply(before)) - m.goodness(before))
            })
            .sum()
    };
    let mut total = gain(&choice.effects);
    if let Next::Chance(os) = &choice.next {
        for (o, p) in outcome_probs(scenario, state, c) {
            if let Some(o) = o {
                total += p * gain(&os[o].effects);
            }
        }
    }
    total
}

/// The policy deciding which choices a player considers.
#[derive(Clone, Copy, PartialEq)]
enum Policy {
    Uniform,
    Greedy,
}

fn policy_choices(scenario: &Scenario, state: &State, policy: Policy) -> Vec<usize> {
    let avail: Vec<usize> = state.available(scenario).collect();
    match policy {
        Policy::Uniform => avail,
        Policy::Greedy => {
            let best = avail
                .iter()
                .copied()
                .map(|c| (c, looks_good(scenario, state, c)))
                .fold(None::<(usize, f64)>, |acc, (c, v)| match acc {
                    Some((_, bv)) if bv >= v => acc,
                    _ => Some((c, v)),
                });
            best.map(|(c, _)| vec![c]).unwrap_or_default()
        }
    }
}

/// A path as (scene, choice, chance outcome) indexes.
type RawPath = Vec<(usize, usize, Option<usize>)>;

/// A path found with its score and ending scene index.
type Found = (i32, RawPath, usize);

/// Accumulates results over leaves (complete paths) with their probabilities.
struct Tally {
    endings: HashMap<usize, f64>,
    meter_min: Vec<i32>,
    meter_max: Vec<i32>,
    meter_sum: Vec<f64>,
    score_sum: f64,
    pass: f64,
    best: Option<Found>,
    worst: Option<Found>,
    taken: Vec<Vec<bool>>,
    leaves: u64,
}

impl Tally {
    fn new(scenario: &Scenario) -> Tally {
        let n = scenario.meters.len();
        Tally {
            endings: HashMap::new(),
            meter_min: vec![i32::MAX; n],
            meter_max: vec![i32::MIN; n],
            meter_sum: vec![0.0; n],
            score_sum: 0.0,
            pass: 0.0,
            best: None,
            worst: None,
            taken: scenario
                .scenes
                .iter()
                .map(|s| vec![false; s.choices().len()])
                .collect(),
            leaves: 0,
        }
    }

    fn leaf(
        &mut self,
        scenario: &Scenario,
        state: &State,
        path: &[(usize, usize, Option<usize>)],
        p: f64,
    ) {
        self.leaves += 1;
        *self.endings.entry(state.scene.0).or_default() += p;
        for (i, &v) in state.meters.iter().enumerate() {
            self.meter_min[i] = self.meter_min[i].min(v);
            self.meter_max[i] = self.meter_max[i].max(v);
            self.meter_sum[i] += p * f64::from(v);
        }
        let score = scenario.score(&state.meters);
        self.score_sum += p * f64::from(score);
        if scenario.passes(score) {
            self.pass += p;
        }
        let rank = |s: i32, e: usize| {
            (
                s,
                std::cmp::Reverse(scenario.scenes[e].ending().map(|e| e.rating)),
            )
        };
        if self
            .best
            .as_ref()
            .is_none_or(|(s, _, e)| rank(score, state.scene.0) > rank(*s, *e))
        {
            self.best = Some((score, path.to_vec(), state.scene.0));
        }
        if self
            .worst
            .as_ref()
            .is_none_or(|(s, _, e)| rank(score, state.scene.0) < rank(*s, *e))
        {
            self.worst = Some((score, path.to_vec(), state.scene.0));
        }
        for &(s, c, _) in path {
            self.taken[s][c] = true;
        }
    }
}

/// Enumerates every path under `policy`, or returns `None` past `max_paths` or a loop.
fn enumerate(scenario: &Scenario, policy: Policy, max_paths: u64) -> Option<Tally> {
    let mut tally = Tally::new(scenario);
    let mut path = Vec::new();
    let mut events = Vec::new();
    // A recursive helper threading its accumulators; bundling them into a struct would only
    // move the same eight names one level down.
    #[allow(clippy::too_many_arguments)]
    fn go(
        scenario: &Scenario,
        policy: Policy,
        state: State,
        p: f64,
        path: &mut Vec<(usize, usize, Option<usize>)>,
        events: &mut Vec<crate::session::Event>,
        tally: &mut Tally,
        max_paths: u64,
    ) -> Option<()> {
        if state.ended(scenario) {
            tally.leaf(scenario, &state, path, p);
            return (tally.leaves <= max_paths).then_some(());
        }
        if path.len() >= MAX_DEPTH {
            return None;
        }
        let choices = policy_choices(scenario, &state, policy);
        let pc = 1.0 / choices.len() as f64;
        for c in choices {
            for (o, po) in outcome_probs(scenario, &state, c) {
                let mut next = state.clone();
                events.clear();
                next.step(scenario, c, &mut |_| (o.unwrap_or(0), 0), events);
                path.push((state.scene.0, c, o));
                go(
                    scenario,
                    policy,
                    next,
                    p * pc * po,
                    path,
                    events,
                    tally,
                    max_paths,
                )?;
                path.pop();
            }
        }
        Some(())
    }
    go(
        scenario,
        policy,
        State::start(scenario),
        1.0,
        &mut path,
        &mut events,
        &mut tally,
        max_paths,
    )?;
    Some(tally)
}

/// Plays `runs` random playthroughs under `policy`.
fn monte_carlo(scenario: &Scenario, policy: Policy, runs: u32, seed: u64) -> (Tally, u32) {
    let mut tally = Tally::new(scenario);
    let mut unfinished = 0;
    let p = 1.0 / f64::from(runs.max(1));
    let mut events = Vec::new();
    for run in 0..runs {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(u64::from(run)));
        let mut state = State::start(scenario);
        let mut path = Vec::new();
        while !state.ended(scenario) && path.len() < MAX_DEPTH * 5 {
            let choices = policy_choices(scenario, &state, policy);
            let (c, _) = draw_index(rng.next_u64(), &vec![1; choices.len()]);
            let c = choices[c];
            let scene = state.scene.0;
            events.clear();
            let mut pick = |w: &[u32]| draw_index(rng.next_u64(), w);
            let (o, _) = state.step(scenario, c, &mut pick, &mut events);
            path.push((scene, c, o));
        }
        if state.ended(scenario) {
            tally.leaf(scenario, &state, &path, p);
        } else {
            unfinished += 1;
        }
    }
    (tally, unfinished)
}

fn path_report(scenario: &Scenario, found: Option<&Found>) -> Option<PathReport> {
    let (score, steps, end) = found?;
    let ending = scenario.scenes[*end].ending()?;
    Some(PathReport {
        score: *score,
        ending: scenario.scenes[*end].id.clone(),
        rating: ending.rating,
        steps: steps
            .iter()
            .map(|&(s, c, o)| {
                let choice = &scenario.scenes[s].choices()[c];
                Step {
                    scene: scenario.scenes[s].id.clone(),
                    choice: choice.id.clone(),
                    outcome: o.and_then(|o| match &choice.next {
                        Next::Chance(os) => os.get(o).map(|x| x.id.clone()),
                        Next::Scene(_) => None,
                    }),
                }
            })
            .collect(),
    })
}

/// Analyses a scenario.
pub fn analyze(scenario: &Scenario, options: Options) -> Analysis {
    let (method, tally, unfinished) = match enumerate(scenario, Policy::Uniform, options.max_paths)
    {
        Some(t) => (Method::Exhaustive { paths: t.leaves }, t, 0),
        None => {
            let (t, u) = monte_carlo(scenario, Policy::Uniform, options.runs, options.seed);
            (
                Method::MonteCarlo {
                    runs: options.runs,
                    seed: options.seed,
                },
                t,
                u,
            )
        }
    };
    let greedy_tally =
        enumerate(scenario, Policy::Greedy, options.max_paths).unwrap_or_else(|| {
            monte_carlo(
                scenario,
                Policy::Greedy,
                options.runs.min(2_000),
                options.seed,
            )
            .0
        });
    let best_rating = scenario.best_rating();
    let mut greedy_endings: Vec<(String, f64)> = greedy_tally
        .endings
        .iter()
        .map(|(&s, &p)| (scenario.scenes[s].id.clone(), p))
        .collect();
    greedy_endings.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let best_ending_probability = greedy_tally
        .endings
        .iter()
        .filter(|(s, _)| scenario.scenes[**s].ending().map(|e| e.rating) == best_rating)
        .map(|(_, p)| p)
        .sum();

    let finished_mass: f64 = tally.endings.values().sum();
    let norm = if finished_mass > 0.0 {
        finished_mass
    } else {
        1.0
    };
    let endings = scenario
        .endings()
        .map(|(idx, e)| EndingStat {
            id: scenario.scene(idx).id.clone(),
            title: e.title.clone(),
            rating: e.rating,
            probability: tally.endings.get(&idx.0).copied().unwrap_or(0.0) / norm,
        })
        .collect();
    let meters = scenario
        .meters
        .iter()
        .enumerate()
        .map(|(i, m)| MeterStat {
            id: m.id.clone(),
            min: if tally.leaves == 0 {
                m.start
            } else {
                tally.meter_min[i]
            },
            max: if tally.leaves == 0 {
                m.start
            } else {
                tally.meter_max[i]
            },
            mean: tally.meter_sum[i] / norm,
        })
        .collect();
    let never_taken = scenario
        .scenes
        .iter()
        .enumerate()
        .flat_map(|(s, scene)| {
            let taken = &tally.taken[s];
            scene
                .choices()
                .iter()
                .enumerate()
                .filter(move |(c, _)| !taken[*c])
                .map(move |(_, choice)| format!("{}/{}", scene.id, choice.id))
        })
        .collect();
    Analysis {
        scenario: scenario.meta.id.clone(),
        method,
        endings,
        meters,
        mean_score: tally.score_sum / norm,
        pass_probability: tally.pass / norm,
        best: path_report(scenario, tally.best.as_ref()),
        worst: path_report(scenario, tally.worst.as_ref()),
        never_taken,
        unfinished,
        greedy: Greedy {
            endings: greedy_endings,
            best_ending_probability,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: odds were read before the choice's own effects applied, so analysis and
    /// the "never reached" warnings disagreed with play about outcomes whose odds depend on
    /// what the choice itself changes.
    #[test]
    fn odds_are_read_after_the_choice_applies() {
        let src = include_str!("../tests/fixtures/odds-after-effects.toml");
        let loaded = crate::load("odds.toml", src).expect("fixture loads");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let report = analyze(&loaded.scenario, Options::default());
        let e1 = report.endings.iter().find(|e| e.id == "e1").expect("e1");
        assert!((e1.probability - 0.5).abs() < 1e-9, "{}", e1.probability);
        let mut session = crate::Session::new(std::sync::Arc::new(loaded.scenario), 1);
        session.choose("up").expect("available");
        assert_eq!(session.scene().id, "e1");
    }
}
