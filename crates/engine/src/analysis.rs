//! Analysis: what a scenario does under every way of playing it, for authors and tests.
//!
//! When the scenario is small enough, every path is enumerated exactly (each available choice
//! equally likely, chance outcomes by weight); otherwise it falls back to seeded Monte Carlo
//! play. The report gives the reachable endings and their probabilities, meter and score
//! ranges, the best and worst achievable scores with a path to each, choices never taken, and
//! whether the "greedy" player (always taking the choice whose immediate meter effects look
//! best) reaches the best ending.

use std::collections::{HashMap, HashSet};

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

impl Seen {
    /// Nothing of `scenario` seen yet.
    fn nothing(scenario: &Scenario) -> Seen {
        Seen {
            scenes: vec![false; scenario.scenes.len()],
            choices: scenario
                .scenes
                .iter()
                .map(|s| vec![false; s.choices().len()])
                .collect(),
        }
    }
}

/// Explores the distinct states (scene, meters, flags, fired triggers) reachable from the
/// start, until every scene and every choice has been seen or the states run out. Returns
/// `None` if more than `budget` distinct states are met before either happens, or more than
/// 20 steps (a choice and outcome taken from a state) per state of the budget are taken.
///
/// The order of the search does not change what it finds, only how soon it can stop, so it
/// is depth-first and expands first the states in scenes that still have something unseen:
/// a long scenario is then covered after a few states per scene instead of after every
/// combination of meters near its start. Each state is packed into a few bytes (see
/// [`Packing`]), so the visited set and the stacks cost no allocation per state and hashing
/// one is cheap.
pub fn explore(scenario: &Scenario, budget: usize) -> Option<Seen> {
    /// Steps (one choice and outcome from one state) allowed per state of the budget.
    const STEPS_PER_STATE: usize = 20;
    let mut seen = Seen::nothing(scenario);
    // What is left to see; the search stops as soon as both reach zero.
    let mut unseen_scenes = scenario.scenes.len();
    let mut unseen_choices: usize = seen.choices.iter().map(Vec::len).sum();

    let packing = Packing::new(scenario);
    let width = packing.width();
    let mut key = vec![0u8; width];
    let mut visited: HashSet<Box<[u8]>, rustc_hash::FxBuildHasher> = HashSet::default();
    // Packed states waiting to be expanded, one after another: those that were in a scene
    // with something unseen when they were found, and the rest.
    let mut promising: Vec<u8> = Vec::new();
    let mut rest: Vec<u8> = Vec::new();
    // Per scene, whether the scene or one of its choices is still unseen.
    let mut open: Vec<bool> = vec![true; scenario.scenes.len()];
    let mut state = State::start(scenario);
    packing.pack(&state, &mut key);
    visited.insert(key.as_slice().into());
    promising.extend_from_slice(&key);

    let mut next = state.clone();
    let mut events = Vec::new();
    let mut weights: Vec<u32> = Vec::new();
    let mut choices: Vec<usize> = Vec::new();
    let mut steps = 0usize;
    loop {
        let stack = if promising.len() >= width {
            &mut promising
        } else if rest.len() >= width {
            &mut rest
        } else {
            break;
        };
        let top = stack.len() - width;
        packing.unpack(&stack[top..], &mut state);
        stack.truncate(top);
        let scene = state.scene.0;
        if !seen.scenes[scene] {
            seen.scenes[scene] = true;
            unseen_scenes -= 1;
        }
        choices.clear();
        choices.extend(state.available(scenario));
        for &c in &choices {
            if !seen.choices[scene][c] {
                seen.choices[scene][c] = true;
                unseen_choices -= 1;
            }
        }
        if unseen_scenes == 0 && unseen_choices == 0 {
            break;
        }
        open[scene] = seen.choices[scene].iter().any(|c| !c);
        // In reverse, so that the first choice and outcome come off the stack first: a
        // scenario's first choices tend to be its main line.
        for &c in choices.iter().rev() {
            let n_outcomes = match &scenario.scenes[scene].choices()[c].next {
                Next::Scene(_) => 1,
                Next::Chance(os) => os.len(),
            };
            for o in (0..n_outcomes).rev() {
                next.clone_from(&state);
                events.clear();
                weights.clear();
                next.step(
                    scenario,
                    c,
                    &mut |w| {
                        weights.extend_from_slice(w);
                        (o, 0)
                    },
                    &mut events,
                );
                // An outcome of weight zero cannot be drawn while another can. The weights
                // are those at the moment of the draw, as `step` computed them.
                if weights.get(o) == Some(&0) && weights.iter().any(|w| *w > 0) {
                    continue;
                }
                // Many choices and outcomes that lead back to states already seen cost
                // work without growing `visited`: the work is bounded too.
                steps += 1;
                if steps > budget.saturating_mul(STEPS_PER_STATE) {
                    return None;
                }
                packing.pack(&next, &mut key);
                if !visited.contains(key.as_slice()) {
                    if visited.len() >= budget {
                        return None;
                    }
                    visited.insert(key.as_slice().into());
                    if open[next.scene.0] {
                        promising.extend_from_slice(&key);
                    } else {
                        rest.extend_from_slice(&key);
                    }
                }
            }
        }
    }
    Some(seen)
}

/// How [`explore`] packs a [`State`] into bytes: the scene index (4 bytes), each meter in one
/// byte (meters stay within 0-100), then the flags and the fired triggers as bits.
struct Packing {
    meters: usize,
    flags: usize,
    fired: usize,
}

// Each meter fits a byte.
const _: () = assert!(METER_MIN >= 0 && METER_MAX <= u8::MAX as i32);

impl Packing {
    fn new(scenario: &Scenario) -> Self {
        Packing {
            meters: scenario.meters.len(),
            flags: scenario.flags.len(),
            fired: scenario.triggers.len(),
        }
    }

    fn width(&self) -> usize {
        4 + self.meters + (self.flags + self.fired).div_ceil(8)
    }

    fn pack(&self, state: &State, out: &mut [u8]) {
        out.fill(0);
        out[..4].copy_from_slice(&(state.scene.0 as u32).to_le_bytes());
        for (byte, &m) in out[4..].iter_mut().zip(&state.meters) {
            *byte = m.clamp(METER_MIN, METER_MAX) as u8;
        }
        let bits = &mut out[4 + self.meters..];
        for (i, &on) in state.flags.iter().chain(&state.fired).enumerate() {
            if on {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
    }

    fn unpack(&self, bytes: &[u8], state: &mut State) {
        let mut scene = [0u8; 4];
        scene.copy_from_slice(&bytes[..4]);
        state.scene = SceneIdx(u32::from_le_bytes(scene) as usize);
        for (m, &byte) in state.meters.iter_mut().zip(&bytes[4..]) {
            *m = i32::from(byte);
        }
        let bits = &bytes[4 + self.meters..];
        let bit = |i: usize| bits[i / 8] & (1 << (i % 8)) != 0;
        for (i, f) in state.flags.iter_mut().enumerate() {
            *f = bit(i);
        }
        for (i, f) in state.fired.iter_mut().enumerate() {
            *f = bit(self.flags + i);
        }
    }
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

    /// The plain search [`explore`] replaced: breadth-first over whole states, to the end.
    /// Returns what it saw and how many states there are, or `None` past `cap` states.
    fn explore_plain(scenario: &Scenario, cap: usize) -> Option<(Seen, usize)> {
        let mut seen = Seen::nothing(scenario);
        let start = State::start(scenario);
        let mut visited: HashSet<State> = HashSet::from([start.clone()]);
        let mut queue = std::collections::VecDeque::from([start]);
        let mut events = Vec::new();
        while let Some(state) = queue.pop_front() {
            seen.scenes[state.scene.0] = true;
            let choices: Vec<usize> = state.available(scenario).collect();
            for c in choices {
                seen.choices[state.scene.0][c] = true;
                let weights = weights_when_drawn(scenario, &state, c);
                for o in 0..weights.len().max(1) {
                    if !weights.is_empty() && weights[o] == 0 && weights.iter().any(|w| *w > 0) {
                        continue;
                    }
                    let mut next = state.clone();
                    events.clear();
                    next.step(scenario, c, &mut |_| (o, 0), &mut events);
                    if visited.insert(next.clone()) {
                        if visited.len() > cap {
                            return None;
                        }
                        queue.push_back(next);
                    }
                }
            }
        }
        Some((seen, visited.len()))
    }

    /// Every scenario the repository has that loads: the bundled ones, the fixtures and the
    /// broken files that only warn.
    fn loadable_scenarios() -> Vec<(String, Scenario)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [
            root.join("../../scenarios"),
            root.join("tests/fixtures"),
            root.join("tests/broken"),
        ];
        let mut out = Vec::new();
        for dir in dirs {
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .expect("readable directory")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let src = std::fs::read_to_string(&path).expect("readable file");
                if let Ok(loaded) = crate::load("x.toml", &src) {
                    out.push((path.display().to_string(), loaded.scenario));
                }
            }
        }
        out
    }

    /// The packed, depth-first search with its early stop sees exactly what a plain
    /// breadth-first search over whole states sees. (Scenarios with very many states are
    /// left out: the plain search is slow in a debug build.)
    #[test]
    fn explore_agrees_with_a_plain_search() {
        let scenarios = loadable_scenarios();
        assert!(scenarios.len() >= 10, "only {} scenarios", scenarios.len());
        let mut compared = 0;
        for (name, scenario) in &scenarios {
            let Some((plain, states)) = explore_plain(scenario, 25_000) else {
                continue;
            };
            compared += 1;
            let fast = explore(scenario, usize::MAX).expect("no budget");
            assert_eq!(fast.scenes, plain.scenes, "{name}: scenes");
            assert_eq!(fast.choices, plain.choices, "{name}: choices");
            // A budget below the number of states gives up, unless everything was seen first.
            let everything =
                plain.scenes.iter().all(|s| *s) && plain.choices.iter().flatten().all(|c| *c);
            if !everything && states > 1 {
                assert!(explore(scenario, states - 1).is_none(), "{name}: budget");
            }
        }
        assert!(compared >= 8, "only {compared} scenarios compared");
    }
}
