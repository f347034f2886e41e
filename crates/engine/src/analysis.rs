//! Analysis: what a scenario does under every way of playing it, for authors and tests.
//!
//! "Random play" takes each available choice with equal probability and chance outcomes by
//! weight. When the scenario is small enough, every path of random play is enumerated
//! exactly; otherwise it falls back to seeded Monte Carlo play. From those come the reachable
//! endings and their probabilities, meter and score ranges (per ending and per rating), the
//! pass share, the length bias (is the longest choice the best-scoring one), the gates on the
//! ways into each ending with how often each fails, choices never taken, and whether the
//! "greedy" player (always taking the choice whose immediate meter effects look best)
//! reaches the best ending. A separate search over every distinct reachable state gives the
//! best and worst paths in the verdict order exactly, and the flags on arrival at each
//! ending; past its budget those come from the sample and say so.

use std::collections::{HashMap, HashSet};

use rand::rngs::SmallRng;
use rand::{Rng, RngExt, SeedableRng};
use serde::Serialize;

use crate::condition::{Cmp, Cond};
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
    /// Scores reached in this ending, `None` if it is never reached.
    pub score: Option<ScoreRange>,
}

/// The lowest, mean and highest final score over some playthroughs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreRange {
    /// Lowest score.
    pub min: i32,
    /// Mean score under random play.
    pub mean: f64,
    /// Highest score.
    pub max: i32,
}

/// Statistics for one rating: every ending with it taken together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingStat {
    /// The rating.
    pub rating: Rating,
    /// Probability under random play of an ending with this rating.
    pub probability: f64,
    /// Scores reached, `None` if no ending with this rating is reached.
    pub score: Option<ScoreRange>,
}

/// One choice of a decision scene, for [`LengthBias`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceScore {
    /// Choice id.
    pub choice: String,
    /// Characters in its text.
    pub chars: usize,
    /// Probability under random play that a playthrough takes it (in this scene).
    pub probability: f64,
    /// Mean final score of the playthroughs that take it.
    pub mean_score: f64,
}

/// A scene where random play takes two or more different choices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionScene {
    /// Scene id.
    pub scene: String,
    /// The choice with the most characters, `None` if two or more tie for it.
    pub longest: Option<String>,
    /// The choice with the highest mean final score, `None` if two or more tie for it.
    pub best_scoring: Option<String>,
    /// Every choice random play takes here, in file order.
    pub choices: Vec<ChoiceScore>,
}

impl DecisionScene {
    /// Whether the longest choice is the best-scoring one.
    pub fn biased(&self) -> bool {
        self.longest.is_some() && self.longest == self.best_scoring
    }
}

/// Whether the longest choice tends to be the best one: players learn to pick the longest
/// text when it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LengthBias {
    /// Whether the means come from every path (`true`) or the Monte Carlo sample.
    pub exact: bool,
    /// Number of decision scenes.
    pub decision_scenes: usize,
    /// Ids of the decision scenes whose longest choice is the best-scoring one.
    pub biased: Vec<String>,
    /// Share of decision scenes that are biased (0 when there are none).
    pub share: f64,
    /// Every decision scene in file order.
    pub scenes: Vec<DecisionScene>,
}

/// Whether a figure covers every way of playing or a sample of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Every reachable state or path.
    Exact,
    /// The Monte Carlo sample: something rarer may exist.
    Sampled,
}

/// A condition that can close a way into an ending: the `when` of a choice, or the odds of a
/// chance outcome that can make its weight zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    /// Scene id where it is evaluated.
    pub scene: String,
    /// The chance outcome id whose odds it is, `None` for a choice's `when`.
    pub outcome: Option<String>,
    /// The choice ids it belongs to: one for a `when`; for odds, every choice of the scene
    /// with an outcome of this id and the same condition.
    pub choices: Vec<String>,
    /// What must hold, in the `when` language.
    pub condition: String,
    /// Times random play reaches the place where it is evaluated, per playthrough: the scene
    /// for a `when`, the draw (the choice taken) for odds.
    pub attempts: f64,
    /// Share of those attempts in which it does not hold (0 when never attempted).
    pub fails: f64,
}

/// What gates one ending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndingGates {
    /// Ending scene id.
    pub ending: String,
    /// Its rating.
    pub rating: Rating,
    /// Probability under random play.
    pub probability: f64,
    /// The gates some way into it passes (or, for an ending random play never reaches, the
    /// gates of the choices and outcomes that lead straight to it), most used first.
    pub gates: Vec<GateUse>,
}

/// A gate on the ways into an ending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateUse {
    /// Index into [`Analysis::gates`].
    pub gate: usize,
    /// Share of the ending's random playthroughs that pass through it.
    pub via: f64,
}

/// The flags of the states a player can arrive at an ending in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrival {
    /// Ending scene id.
    pub ending: String,
    /// Distinct arrival states (exact), or playthroughs sampled that arrive.
    pub states: u64,
    /// Flags raised in some arrivals and lowered in others.
    pub varying: Vec<String>,
    /// Flags raised in every arrival.
    pub always: Vec<String>,
    /// Which texts can show, by variant in file order.
    pub variants_shown: Vec<bool>,
    /// Whether the scene's own text (no variant holding) can show.
    pub text_shown: bool,
    /// Varying flags that no variant's condition names.
    pub unnamed: Vec<String>,
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

/// How far (in points) a meter may be from a figure a scene's text quotes for it.
pub const FIGURE_TOLERANCE: i32 = 15;

/// A percentage quoted in a sentence of a scene's text that also names a meter (its id, label
/// or one of its `words`), with the range that meter has when that text is shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotedFigure {
    /// Scene id.
    pub scene: String,
    /// The variant (from 0, in file order) whose text quotes it, `None` for the scene's own.
    pub variant: Option<usize>,
    /// Meter id.
    pub meter: String,
    /// The figure quoted.
    pub figure: i32,
    /// Lowest value of the meter over every reachable state showing this text.
    pub min: i32,
    /// Highest value.
    pub max: i32,
    /// The sentence.
    pub sentence: String,
    /// Whether the meter can be more than [`FIGURE_TOLERANCE`] points from the figure there.
    pub far: bool,
}

/// The lowest and highest value of each meter, by meter index.
type MeterRanges = Vec<(i32, i32)>;

/// Words before a percentage that make it a change rather than a level ("up 12%"; "up to
/// 91%" is a level).
const CHANGE_WORDS: [&str; 9] = [
    "up", "down", "by", "rose", "fell", "risen", "fallen", "grew", "dropped",
];

/// Percentages in `text` that state a level (`91%`, `91 per cent`, `91 percent`), each with its sentence.
fn percentages(text: &str) -> Vec<(i32, &str)> {
    let mut found = Vec::new();
    for sentence in text.split(['.', '!', '?', '\n']) {
        let bytes = sentence.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let rest = sentence[i..].trim_start();
            let percent = rest.starts_with('%')
                || rest.starts_with("per cent")
                || rest.starts_with("percent");
            // "up 12%", "fell by 3%", "+5%": a change, not a reading of the meter.
            let before = sentence[..start].trim_end();
            let change = before.ends_with(['+', '-', '−'])
                || CHANGE_WORDS.iter().any(|w| {
                    let at = before.len().saturating_sub(w.len());
                    before
                        .get(at..)
                        .is_some_and(|tail| tail.eq_ignore_ascii_case(w))
                        && !before[..at]
                            .chars()
                            .next_back()
                            .is_some_and(char::is_alphanumeric)
                });
            if let (true, false, Ok(n)) = (percent, change, sentence[start..i].parse::<i32>()) {
                found.push((n, sentence.trim()));
            }
        }
    }
    found
}

/// Every figure quoted for a meter in a scene's texts, with the meter's range there.
fn quoted_figures(scenario: &Scenario, shown: &[Vec<Option<MeterRanges>>]) -> Vec<QuotedFigure> {
    let mut out = Vec::new();
    for (s, scene) in scenario.scenes.iter().enumerate() {
        let texts = std::iter::once(&scene.text).chain(scene.variants.iter().map(|v| &v.text));
        for (t, text) in texts.enumerate() {
            // A text no reachable state shows quotes nothing a player reads.
            let Some(ranges) = &shown[s][t] else {
                continue;
            };
            for (figure, sentence) in percentages(text) {
                for (m, meter) in scenario.meters.iter().enumerate() {
                    if !crate::load::mentions(meter, sentence) {
                        continue;
                    }
                    let (min, max) = ranges[m];
                    let far = (figure - min).abs().max((figure - max).abs()) > FIGURE_TOLERANCE;
                    out.push(QuotedFigure {
                        scene: scene.id.clone(),
                        variant: t.checked_sub(1),
                        meter: meter.id.clone(),
                        figure,
                        min,
                        max,
                        sentence: sentence.to_owned(),
                        far,
                    });
                }
            }
        }
    }
    out
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
    /// The lowest rating that passes.
    pub pass_rating: Rating,
    /// The lowest passing score.
    pub pass_mark: i32,
    /// Per rating, best first: how often random play ends with it and the scores reached.
    pub ratings: Vec<RatingStat>,
    /// Whether the longest choice tends to be the best-scoring one.
    pub length_bias: LengthBias,
    /// Distinct reachable states, when the state search covered them all.
    pub states: Option<u64>,
    /// Whether the best and worst paths and the arrivals come from every reachable state
    /// (the state search) or from the sample.
    pub paths_basis: Basis,
    /// The best path in the verdict order (rating first, then score).
    pub best: Option<PathReport>,
    /// The worst path in the verdict order.
    pub worst: Option<PathReport>,
    /// Every gate of the scenario, in file order.
    pub gates: Vec<Gate>,
    /// Whether gate figures and uses come from every path or the sample.
    pub gates_basis: Basis,
    /// Per ending, the gates on the ways into it.
    pub ending_gates: Vec<EndingGates>,
    /// Per ending, the flags on arrival.
    pub arrivals: Vec<Arrival>,
    /// Choices never taken, as `scene/choice`.
    pub never_taken: Vec<String>,
    /// Playthroughs cut off because they looped too long (Monte Carlo only).
    pub unfinished: u32,
    /// The greedy player.
    pub greedy: Greedy,
    /// Figures the scene texts quote for a meter, with the meter's range where each is shown;
    /// `None` when the state search gave up (too many states) and the ranges are unknown.
    pub quoted_figures: Option<Vec<QuotedFigure>>,
}

/// Options for [`analyze`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Paths to enumerate before switching to Monte Carlo.
    pub max_paths: u64,
    /// Distinct states the search for the best and worst paths may meet before it gives up
    /// and they come from the sample.
    pub max_states: usize,
    /// Monte Carlo playthroughs.
    pub runs: u32,
    /// Monte Carlo seed.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_paths: 200_000,
            max_states: 2_000_000,
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
    /// Per scene index: the scores of the leaves ending there.
    ending_scores: HashMap<usize, Scores>,
    /// Per rating rank: the scores of the leaves with that rating.
    rating_scores: [Scores; 4],
    /// Per scene, per choice: probability of the leaves that take it there and their
    /// probability-weighted score sum.
    choice_scores: Vec<Vec<(f64, f64)>>,
    /// Scratch: the (scene, choice) pairs of the current leaf, each once.
    pairs: Vec<(usize, usize)>,
    /// Where the gates are.
    gates: GateTable,
    /// Per gate: probability-weighted attempts and failures.
    gate_attempts: Vec<f64>,
    gate_fails: Vec<f64>,
    /// Per ending scene index, per gate: probability of the leaves there passing it.
    via: HashMap<usize, Vec<f64>>,
    /// Scratch: the gates of the current leaf, each once.
    passed: Vec<usize>,
    /// Per ending scene index: the leaves' arrival states.
    arrivals: HashMap<usize, ArrivalAcc>,
}

/// The gates of a scenario and where each is evaluated.
#[derive(Debug, Clone)]
struct GateTable {
    gates: Vec<Gate>,
    /// By scene, by choice: the gate of its `when`.
    choice: Vec<Vec<Option<usize>>>,
    /// By scene, by choice, by outcome: the gate of its odds.
    outcome: Vec<Vec<Vec<Option<usize>>>>,
}

impl GateTable {
    fn new(scenario: &Scenario) -> GateTable {
        let mut gates: Vec<Gate> = Vec::new();
        let mut choice = Vec::new();
        let mut outcome = Vec::new();
        for scene in &scenario.scenes {
            let first_of_scene = gates.len();
            let mut by_choice = Vec::new();
            let mut by_outcome = Vec::new();
            for ch in scene.choices() {
                by_choice.push(ch.when.as_ref().map(|when| {
                    gates.push(Gate {
                        scene: scene.id.clone(),
                        outcome: None,
                        choices: vec![ch.id.clone()],
                        condition: describe(scenario, when),
                        attempts: 0.0,
                        fails: 0.0,
                    });
                    gates.len() - 1
                }));
                let mut per_outcome = Vec::new();
                if let Next::Chance(os) = &ch.next {
                    for o in os {
                        per_outcome.push(odds_gate(scenario, o).map(|condition| {
                            // Odds gates of the same outcome id and condition in one scene
                            // (the same outcome offered after several choices) are one gate.
                            let same = gates[first_of_scene..].iter().position(|g| {
                                g.outcome.as_deref() == Some(o.id.as_str())
                                    && g.condition == condition
                            });
                            match same {
                                Some(i) => {
                                    let g = &mut gates[first_of_scene + i];
                                    if !g.choices.contains(&ch.id) {
                                        g.choices.push(ch.id.clone());
                                    }
                                    first_of_scene + i
                                }
                                None => {
                                    gates.push(Gate {
                                        scene: scene.id.clone(),
                                        outcome: Some(o.id.clone()),
                                        choices: vec![ch.id.clone()],
                                        condition,
                                        attempts: 0.0,
                                        fails: 0.0,
                                    });
                                    gates.len() - 1
                                }
                            }
                        }));
                    }
                }
                by_outcome.push(per_outcome);
            }
            choice.push(by_choice);
            outcome.push(by_outcome);
        }
        GateTable {
            gates,
            choice,
            outcome,
        }
    }

    /// The gates a step passes: its choice's `when` and its outcome's odds.
    fn passed(&self, s: usize, c: usize, o: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        let by_outcome = o.and_then(|o| self.outcome[s][c].get(o).copied().flatten());
        self.choice[s][c].into_iter().chain(by_outcome)
    }

    /// Whether choice `c` of scene `s` has an outcome with a gate.
    fn has_odds_gate(&self, s: usize, c: usize) -> bool {
        self.outcome[s][c].iter().any(Option::is_some)
    }
}

/// When the odds of an outcome make it possible, if they can also make it impossible: its
/// weight is zero by default and an odds rule raises it, or the reverse. `None` for an
/// outcome whose weight never changes between zero and not.
fn odds_gate(scenario: &Scenario, o: &Outcome) -> Option<String> {
    let zero_default = o.weight == 0;
    if !o.odds.iter().any(|(_, w)| (*w == 0) != zero_default) {
        return None;
    }
    // The first rule that holds decides. The outcome is possible when a rule with a
    // weight holds and no zero rule before it does, or (with a default weight) when no zero
    // rule holds at all; rules with a weight before a rule need not be negated, since if one
    // of them held, its own term would.
    let mut terms: Vec<String> = Vec::new();
    let mut zeros: Vec<String> = Vec::new();
    for (cond, w) in &o.odds {
        if *w == 0 {
            zeros.push(describe(scenario, &Cond::Not(Box::new(cond.clone()))));
        } else {
            let mut parts = zeros.clone();
            parts.push(describe_in(scenario, cond, Context::And));
            terms.push(parts.join(" and "));
        }
    }
    if !zero_default {
        terms.push(zeros.join(" and "));
    }
    let n = terms.len();
    Some(
        terms
            .into_iter()
            .map(|t| {
                if n > 1 && t.contains(" and ") {
                    format!("({t})")
                } else {
                    t
                }
            })
            .collect::<Vec<_>>()
            .join(" or "),
    )
}

/// Where a condition is written, for parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Top,
    And,
    Or,
}

/// A condition in the `when` language.
fn describe(scenario: &Scenario, cond: &Cond) -> String {
    describe_in(scenario, cond, Context::Top)
}

fn describe_in(scenario: &Scenario, cond: &Cond, ctx: Context) -> String {
    let cmp = |c: Cmp| match c {
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
        Cmp::Eq => "==",
        Cmp::Ne => "!=",
    };
    match cond {
        Cond::Meter {
            meter,
            cmp: c,
            value,
        } => {
            format!("{} {} {value}", scenario.meters[meter.0].id, cmp(*c))
        }
        Cond::Flag(f) => scenario.flags[f.0].clone(),
        Cond::Not(inner) => match &**inner {
            // `not` of a comparison reads better as the opposite comparison.
            Cond::Meter {
                meter,
                cmp: c,
                value,
            } => {
                let opposite = match c {
                    Cmp::Lt => Cmp::Ge,
                    Cmp::Le => Cmp::Gt,
                    Cmp::Gt => Cmp::Le,
                    Cmp::Ge => Cmp::Lt,
                    Cmp::Eq => Cmp::Ne,
                    Cmp::Ne => Cmp::Eq,
                };
                format!("{} {} {value}", scenario.meters[meter.0].id, cmp(opposite))
            }
            Cond::Not(inner) => describe_in(scenario, inner, ctx),
            Cond::Flag(f) => format!("not {}", scenario.flags[f.0]),
            other => format!("not ({})", describe_in(scenario, other, Context::Top)),
        },
        Cond::And(all) => {
            let text = all
                .iter()
                .map(|c| describe_in(scenario, c, Context::And))
                .collect::<Vec<_>>()
                .join(" and ");
            // `and` binds tighter than `or`; the parentheses are for the reader.
            if ctx == Context::Or && all.len() > 1 {
                format!("({text})")
            } else {
                text
            }
        }
        Cond::Or(any) => {
            let text = any
                .iter()
                .map(|c| describe_in(scenario, c, Context::Or))
                .collect::<Vec<_>>()
                .join(" or ");
            if ctx == Context::And && any.len() > 1 {
                format!("({text})")
            } else {
                text
            }
        }
    }
}

/// The arrival states of one ending: which flags were raised and lowered, which texts show.
#[derive(Debug, Clone)]
struct ArrivalAcc {
    count: u64,
    raised: Vec<bool>,
    lowered: Vec<bool>,
    /// By variant, then the scene's own text last.
    shown: Vec<bool>,
}

impl ArrivalAcc {
    fn add(&mut self, scenario: &Scenario, state: &State) {
        let scene = scenario.scene(state.scene);
        if self.raised.is_empty() {
            self.raised = vec![false; state.flags.len()];
            self.lowered = vec![false; state.flags.len()];
            self.shown = vec![false; scene.variants.len() + 1];
        }
        self.count += 1;
        for (i, &on) in state.flags.iter().enumerate() {
            if on {
                self.raised[i] = true;
            } else {
                self.lowered[i] = true;
            }
        }
        let shown = scene
            .variants
            .iter()
            .position(|v| v.when.eval(&state.meters, &state.flags))
            .unwrap_or(scene.variants.len());
        self.shown[shown] = true;
    }
}

/// Records the arrival at an ending.
fn arrive(arrivals: &mut HashMap<usize, ArrivalAcc>, scenario: &Scenario, state: &State) {
    arrivals
        .entry(state.scene.0)
        .or_insert_with(|| ArrivalAcc {
            count: 0,
            raised: Vec::new(),
            lowered: Vec::new(),
            shown: Vec::new(),
        })
        .add(scenario, state);
}

/// Probability-weighted scores of some leaves.
#[derive(Debug, Clone, Copy)]
struct Scores {
    mass: f64,
    sum: f64,
    min: i32,
    max: i32,
}

impl Default for Scores {
    fn default() -> Self {
        Scores {
            mass: 0.0,
            sum: 0.0,
            min: i32::MAX,
            max: i32::MIN,
        }
    }
}

impl Scores {
    fn add(&mut self, score: i32, p: f64) {
        self.mass += p;
        self.sum += p * f64::from(score);
        self.min = self.min.min(score);
        self.max = self.max.max(score);
    }

    fn range(&self) -> Option<ScoreRange> {
        (self.min <= self.max).then(|| ScoreRange {
            min: self.min,
            mean: if self.mass > 0.0 {
                self.sum / self.mass
            } else {
                f64::from(self.min)
            },
            max: self.max,
        })
    }
}

impl Tally {
    fn new(scenario: &Scenario) -> Tally {
        let n = scenario.meters.len();
        let gates = GateTable::new(scenario);
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
            ending_scores: HashMap::new(),
            rating_scores: [Scores::default(); 4],
            choice_scores: scenario
                .scenes
                .iter()
                .map(|s| vec![(0.0, 0.0); s.choices().len()])
                .collect(),
            pairs: Vec::new(),
            gate_attempts: vec![0.0; gates.gates.len()],
            gate_fails: vec![0.0; gates.gates.len()],
            gates,
            via: HashMap::new(),
            passed: Vec::new(),
            arrivals: HashMap::new(),
        }
    }

    /// Random play is in `state` with probability `p`: the `when` of each of the scene's
    /// choices is evaluated.
    fn visit(&mut self, scenario: &Scenario, state: &State, p: f64) {
        let s = state.scene.0;
        for (c, choice) in scenario.scenes[s].choices().iter().enumerate() {
            if let Some(g) = self.gates.choice[s][c] {
                self.gate_attempts[g] += p;
                if !choice.available(&state.meters, &state.flags) {
                    self.gate_fails[g] += p;
                }
            }
        }
    }

    /// Random play takes choice `c` in `state` with probability `p`, and its outcomes can be
    /// `probs`: the odds of each outcome are evaluated.
    fn draw(&mut self, state: &State, c: usize, probs: &[(Option<usize>, f64)], p: f64) {
        let s = state.scene.0;
        for (o, gate) in self.gates.outcome[s][c].iter().enumerate() {
            if let Some(g) = *gate {
                self.gate_attempts[g] += p;
                if !probs.iter().any(|(x, _)| *x == Some(o)) {
                    self.gate_fails[g] += p;
                }
            }
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
        let rating = scenario.scene(state.scene).ending().map(|e| e.rating);
        let verdict = scenario.verdict(rating.unwrap_or(Rating::Failing), &state.meters);
        let score = verdict.score;
        self.score_sum += p * f64::from(score);
        if verdict.passed {
            self.pass += p;
        }
        // The verdict order: rating first, then score.
        let rank = |s: i32, e: usize| {
            (
                std::cmp::Reverse(scenario.scenes[e].ending().map(|e| e.rating)),
                s,
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
        let rating = rating.unwrap_or(Rating::Failing);
        self.ending_scores
            .entry(state.scene.0)
            .or_default()
            .add(score, p);
        self.rating_scores[rating.rank()].add(score, p);
        // A path that passes a scene twice counts once for each choice it takes there.
        self.pairs.clear();
        self.pairs.extend(path.iter().map(|&(s, c, _)| (s, c)));
        self.pairs.sort_unstable();
        self.pairs.dedup();
        for &(s, c) in &self.pairs {
            let cell = &mut self.choice_scores[s][c];
            cell.0 += p;
            cell.1 += p * f64::from(score);
        }
        self.passed.clear();
        for &(s, c, o) in path {
            self.passed.extend(self.gates.passed(s, c, o));
        }
        self.passed.sort_unstable();
        self.passed.dedup();
        let n_gates = self.gates.gates.len();
        let via = self
            .via
            .entry(state.scene.0)
            .or_insert_with(|| vec![0.0; n_gates]);
        for &g in &self.passed {
            via[g] += p;
        }
        arrive(&mut self.arrivals, scenario, state);
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
        tally.visit(scenario, &state, p);
        for c in choices {
            let probs = outcome_probs(scenario, &state, c);
            tally.draw(&state, c, &probs, p * pc);
            for (o, po) in probs {
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

/// Plays `runs` random playthroughs under `policy`. Nothing here is pinned (a sample only
/// has to be reproducible with the same build), so rand's small fast generator picks the
/// choices; chance outcomes still go through the engine's own `draw_index`, so a weight
/// means here exactly what it means in play.
fn monte_carlo(scenario: &Scenario, policy: Policy, runs: u32, seed: u64) -> (Tally, u32) {
    let mut tally = Tally::new(scenario);
    let mut unfinished = 0;
    let p = 1.0 / f64::from(runs.max(1));
    let mut events = Vec::new();
    for run in 0..runs {
        let mut rng = SmallRng::seed_from_u64(seed.wrapping_add(u64::from(run)));
        let mut state = State::start(scenario);
        let mut path = Vec::new();
        while !state.ended(scenario) && path.len() < MAX_DEPTH * 5 {
            let choices = policy_choices(scenario, &state, policy);
            // A loaded scenario always offers a choice before an ending; stop rather than
            // panic if it did not.
            if choices.is_empty() {
                break;
            }
            let c = choices[rng.random_range(0..choices.len())];
            let scene = state.scene.0;
            tally.visit(scenario, &state, p);
            if tally.gates.has_odds_gate(scene, c) {
                let probs = outcome_probs(scenario, &state, c);
                tally.draw(&state, c, &probs, p);
            }
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

/// What the search over every reachable state found.
struct StateSearch {
    states: u64,
    best: Option<Found>,
    worst: Option<Found>,
    arrivals: HashMap<usize, ArrivalAcc>,
    /// Every distinct (ending, final meters) pair, when asked for.
    ends: HashSet<(usize, Vec<i32>)>,
    /// Per scene, per text (0 the scene's own, then its variants), the lowest and highest
    /// value of each meter over the states in which that text is shown.
    shown: Vec<Vec<Option<MeterRanges>>>,
}

/// Every distinct pair of an ending and final meter values that some play reaches (choices
/// as offered, chance outcomes that can be drawn), found by searching every reachable state;
/// `None` if there are more than `budget` states. A playthrough's verdict depends only on
/// these two, so this is every verdict the scenario can give.
pub fn reachable_endings(scenario: &Scenario, budget: usize) -> Option<Vec<(SceneIdx, Vec<i32>)>> {
    let found = search_states(scenario, budget, true)?;
    let mut ends: Vec<(SceneIdx, Vec<i32>)> = found
        .ends
        .into_iter()
        .map(|(s, m)| (SceneIdx(s), m))
        .collect();
    ends.sort();
    Some(ends)
}

/// Searches every distinct state reachable from the start, breadth first, for the best and
/// worst endings in the verdict order (the first found of equals, so a shortest path to
/// it) and the arrival states of every ending. `None` past `budget` states.
fn search_states(scenario: &Scenario, budget: usize, collect: bool) -> Option<StateSearch> {
    let packing = Packing::new(scenario);
    let width = packing.width();
    let mut key = vec![0u8; width];
    let mut index: HashMap<Box<[u8]>, u32, rustc_hash::FxBuildHasher> = HashMap::default();
    // Packed states by id, and how each was first reached: (parent id, choice, outcome).
    let mut store: Vec<u8> = Vec::new();
    let mut parent: Vec<(u32, u32, Option<u32>)> = Vec::new();
    let mut state = State::start(scenario);
    packing.pack(&state, &mut key);
    index.insert(key.as_slice().into(), 0);
    store.extend_from_slice(&key);
    parent.push((u32::MAX, 0, None));

    let rank = |v: &Verdict| (std::cmp::Reverse(v.rating), v.score);
    let mut best: Option<(u32, Verdict)> = None;
    let mut worst: Option<(u32, Verdict)> = None;
    let mut arrivals = HashMap::new();
    let mut ends = HashSet::new();
    let mut shown: Vec<Vec<Option<MeterRanges>>> = scenario
        .scenes
        .iter()
        .map(|s| vec![None; s.variants.len() + 1])
        .collect();
    let mut next = state.clone();
    let mut events = Vec::new();
    let mut weights: Vec<u32> = Vec::new();
    let mut choices: Vec<usize> = Vec::new();
    let mut id = 0usize;
    while id < parent.len() {
        packing.unpack(&store[id * width..(id + 1) * width], &mut state);
        let scene = scenario.scene(state.scene);
        let text = scene
            .variants
            .iter()
            .position(|v| v.when.eval(&state.meters, &state.flags))
            .map_or(0, |v| v + 1);
        let ranges = shown[state.scene.0][text]
            .get_or_insert_with(|| state.meters.iter().map(|&m| (m, m)).collect());
        for (r, &m) in ranges.iter_mut().zip(&state.meters) {
            *r = (r.0.min(m), r.1.max(m));
        }
        if let Some(ending) = scene.ending() {
            let v = scenario.verdict(ending.rating, &state.meters);
            if best.as_ref().is_none_or(|(_, b)| rank(&v) > rank(b)) {
                best = Some((id as u32, v));
            }
            if worst.as_ref().is_none_or(|(_, w)| rank(&v) < rank(w)) {
                worst = Some((id as u32, v));
            }
            arrive(&mut arrivals, scenario, &state);
            if collect {
                ends.insert((state.scene.0, state.meters.clone()));
            }
            id += 1;
            continue;
        }
        choices.clear();
        choices.extend(state.available(scenario));
        for &c in &choices {
            let n_outcomes = match &scene.choices()[c].next {
                Next::Scene(_) => 1,
                Next::Chance(os) => os.len(),
            };
            for o in 0..n_outcomes {
                next.clone_from(&state);
                events.clear();
                weights.clear();
                let (drawn, _) = next.step(
                    scenario,
                    c,
                    &mut |w| {
                        weights.extend_from_slice(w);
                        (o, 0)
                    },
                    &mut events,
                );
                // As in play: an outcome of weight zero is never drawn while another can be.
                if weights.get(o) == Some(&0) && weights.iter().any(|w| *w > 0) {
                    continue;
                }
                packing.pack(&next, &mut key);
                if !index.contains_key(key.as_slice()) {
                    if parent.len() >= budget {
                        return None;
                    }
                    index.insert(key.as_slice().into(), parent.len() as u32);
                    store.extend_from_slice(&key);
                    parent.push((id as u32, c as u32, drawn.map(|o| o as u32)));
                }
            }
        }
        id += 1;
    }
    let mut path_to = |found: Option<(u32, Verdict)>| -> Option<Found> {
        let (mut at, verdict) = found?;
        let end = {
            packing.unpack(
                &store[at as usize * width..(at as usize + 1) * width],
                &mut state,
            );
            state.scene.0
        };
        let mut raw: RawPath = Vec::new();
        while parent[at as usize].0 != u32::MAX {
            let (from, c, o) = parent[at as usize];
            let from_at = from as usize;
            packing.unpack(&store[from_at * width..(from_at + 1) * width], &mut state);
            raw.push((state.scene.0, c as usize, o.map(|o| o as usize)));
            at = from;
        }
        raw.reverse();
        Some((verdict.score, raw, end))
    };
    let best = path_to(best);
    let worst = path_to(worst);
    Some(StateSearch {
        states: parent.len() as u64,
        best,
        worst,
        arrivals,
        ends,
        shown,
    })
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

/// The single index with the greatest key, or `None` if none or two or more share it.
fn single_max<T: PartialOrd + Copy>(items: impl Iterator<Item = (usize, T)>) -> Option<usize> {
    let mut best: Option<(usize, T)> = None;
    let mut tied = false;
    for (i, v) in items {
        match best {
            Some((_, b)) if v < b => {}
            Some((_, b)) if v == b => tied = true,
            _ => {
                best = Some((i, v));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(i, _)| i) }
}

/// The length bias over the leaves of `tally`: a decision scene is one where the leaves take
/// two or more different choices; its longest choice (by characters of text) and its
/// best-scoring one (by mean final score of the leaves taking it) are compared among those.
fn length_bias(scenario: &Scenario, tally: &Tally, exact: bool) -> LengthBias {
    let total: f64 = tally.endings.values().sum();
    let mut scenes = Vec::new();
    for (s, scene) in scenario.scenes.iter().enumerate() {
        let taken: Vec<usize> = (0..scene.choices().len())
            .filter(|&c| tally.choice_scores[s][c].0 > 0.0)
            .collect();
        if taken.len() < 2 {
            continue;
        }
        let choices: Vec<ChoiceScore> = taken
            .iter()
            .map(|&c| {
                let (mass, sum) = tally.choice_scores[s][c];
                let choice = &scene.choices()[c];
                ChoiceScore {
                    choice: choice.id.clone(),
                    chars: choice.text.chars().count(),
                    probability: if total > 0.0 { mass / total } else { 0.0 },
                    mean_score: sum / mass,
                }
            })
            .collect();
        // Means equal to within rounding error tie.
        let mean = |c: &ChoiceScore| (c.mean_score * 1e6).round();
        let longest = single_max(choices.iter().map(|c| c.chars).enumerate());
        let best = single_max(choices.iter().map(mean).enumerate());
        scenes.push(DecisionScene {
            scene: scene.id.clone(),
            longest: longest.map(|i| choices[i].choice.clone()),
            best_scoring: best.map(|i| choices[i].choice.clone()),
            choices,
        });
    }
    let biased: Vec<String> = scenes
        .iter()
        .filter(|d| d.biased())
        .map(|d| d.scene.clone())
        .collect();
    LengthBias {
        exact,
        decision_scenes: scenes.len(),
        share: if scenes.is_empty() {
            0.0
        } else {
            biased.len() as f64 / scenes.len() as f64
        },
        biased,
        scenes,
    }
}

/// The gates of the choices and outcomes that lead straight to scene `target`.
fn straight_into(scenario: &Scenario, table: &GateTable, target: SceneIdx) -> Vec<usize> {
    let mut out = Vec::new();
    for (s, scene) in scenario.scenes.iter().enumerate() {
        for (c, choice) in scene.choices().iter().enumerate() {
            let (to_target, outcomes): (bool, &[Outcome]) = match &choice.next {
                Next::Scene(t) => (*t == target, &[]),
                Next::Chance(os) => (os.iter().any(|o| o.goto == target), os),
            };
            if to_target {
                out.extend(table.choice[s][c]);
            }
            for (o, outcome) in outcomes.iter().enumerate() {
                if outcome.goto == target {
                    out.extend(table.outcome[s][c][o]);
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The report on an ending's arrival states.
fn arrival(scenario: &Scenario, idx: SceneIdx, acc: &ArrivalAcc) -> Arrival {
    let scene = scenario.scene(idx);
    let mut named = vec![false; scenario.flags.len()];
    for v in &scene.variants {
        mark_flags(&v.when, &mut named);
    }
    let flags = |pred: &dyn Fn(usize) -> bool| -> Vec<String> {
        (0..scenario.flags.len())
            .filter(|&f| pred(f))
            .map(|f| scenario.flags[f].clone())
            .collect()
    };
    let varying = |f: usize| acc.raised[f] && acc.lowered[f];
    Arrival {
        ending: scene.id.clone(),
        states: acc.count,
        varying: flags(&varying),
        always: flags(&|f| acc.raised[f] && !acc.lowered[f]),
        variants_shown: acc.shown[..scene.variants.len()].to_vec(),
        text_shown: acc.shown[scene.variants.len()],
        unnamed: flags(&|f| varying(f) && !named[f]),
    }
}

/// Marks every flag a condition names.
fn mark_flags(cond: &Cond, named: &mut [bool]) {
    match cond {
        Cond::Meter { .. } => {}
        Cond::Flag(f) => named[f.0] = true,
        Cond::Not(inner) => mark_flags(inner, named),
        Cond::And(all) | Cond::Or(all) => all.iter().for_each(|c| mark_flags(c, named)),
    }
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
            score: tally.ending_scores.get(&idx.0).and_then(Scores::range),
        })
        .collect();
    let ratings = Rating::ALL
        .into_iter()
        .map(|rating| {
            let scores = &tally.rating_scores[rating.rank()];
            RatingStat {
                rating,
                probability: scores.mass / norm,
                score: scores.range(),
            }
        })
        .collect();
    let exhaustive = matches!(method, Method::Exhaustive { .. });
    let length_bias = length_bias(scenario, &tally, exhaustive);
    let searched = search_states(scenario, options.max_states, false);
    let gates_basis = if exhaustive {
        Basis::Exact
    } else {
        Basis::Sampled
    };
    let quoted = searched
        .as_ref()
        .map(|found| quoted_figures(scenario, &found.shown));
    let (states, paths_basis, best, worst, arrival_accs) = match searched {
        Some(found) => (
            Some(found.states),
            Basis::Exact,
            found.best,
            found.worst,
            found.arrivals,
        ),
        None => (
            None,
            gates_basis,
            tally.best.clone(),
            tally.worst.clone(),
            tally.arrivals.clone(),
        ),
    };
    let gates: Vec<Gate> = tally
        .gates
        .gates
        .iter()
        .enumerate()
        .map(|(g, gate)| {
            let attempts = tally.gate_attempts[g];
            Gate {
                attempts: attempts / norm,
                fails: if attempts > 0.0 {
                    tally.gate_fails[g] / attempts
                } else {
                    0.0
                },
                ..gate.clone()
            }
        })
        .collect();
    let ending_gates = scenario
        .endings()
        .map(|(idx, e)| {
            let mass = tally.endings.get(&idx.0).copied().unwrap_or(0.0);
            let mut uses: Vec<GateUse> = match tally.via.get(&idx.0) {
                Some(via) if mass > 0.0 => via
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0.0)
                    .map(|(gate, v)| GateUse {
                        gate,
                        via: v / mass,
                    })
                    .collect(),
                // Never reached: the gates right before it.
                _ => straight_into(scenario, &tally.gates, idx)
                    .into_iter()
                    .map(|gate| GateUse { gate, via: 0.0 })
                    .collect(),
            };
            uses.sort_by(|a, b| b.via.total_cmp(&a.via).then(a.gate.cmp(&b.gate)));
            EndingGates {
                ending: scenario.scene(idx).id.clone(),
                rating: e.rating,
                probability: mass / norm,
                gates: uses,
            }
        })
        .collect();
    let arrivals = scenario
        .endings()
        .filter_map(|(idx, _)| {
            let acc = arrival_accs.get(&idx.0)?;
            Some(arrival(scenario, idx, acc))
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
        pass_rating: scenario.scoring.pass,
        pass_mark: scenario.scoring.pass_mark(),
        ratings,
        length_bias,
        states,
        paths_basis,
        best: path_report(scenario, best.as_ref()),
        worst: path_report(scenario, worst.as_ref()),
        gates,
        gates_basis,
        ending_gates,
        arrivals,
        never_taken,
        unfinished,
        greedy: Greedy {
            endings: greedy_endings,
            best_ending_probability,
        },
        quoted_figures: quoted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: odds were read before the choice's own effects applied, so analysis and
    /// the "never reached" warnings disagreed with play about outcomes whose odds depend on
    /// what the choice itself changes. (The checker now warns about such odds, but the
    /// scenario still loads and must still be analysed as it plays.)
    #[test]
    fn odds_are_read_after_the_choice_applies() {
        let src = include_str!("../tests/fixtures/odds-after-effects.toml");
        let loaded = crate::load("odds.toml", src).expect("fixture loads");
        let warnings: Vec<&str> = loaded.warnings.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "the odds of choice 'up' read 'morale', which the same choice changes before the chance is drawn, so they see the changed value; put the effect on the outcomes instead"
            ]
        );
        let report = analyze(&loaded.scenario, Options::default());
        let e1 = report.endings.iter().find(|e| e.id == "e1").expect("e1");
        assert!((e1.probability - 0.5).abs() < 1e-9, "{}", e1.probability);
        let mut session = crate::Session::new(std::sync::Arc::new(loaded.scenario), 1);
        session.choose("up").expect("available");
        assert_eq!(session.scene().id, "e1");
    }

    /// A figure quoted next to a meter's name or word is checked against the meter's range
    /// where its text shows, variant by variant.
    #[test]
    fn quoted_figures_are_checked_against_the_meter_where_they_show() {
        let head = include_str!("../tests/fixtures/odds-after-effects.toml");
        let head = &head[..head.find("[[scenes]]").expect("scenes")]
            .replace("label = \"S\"", "label = \"S\"\nwords = [\"score\"]");
        let src = format!(
            "{head}[[scenes]]\nid = \"s\"\ntext = \"Satisfaction is 52% today.\"\nfacilitator_note = \"f\"\ndiscussion = \"d\"\n\
             [[scenes.choices]]\nid = \"a\"\ntext = \"a\"\neffects = {{ satisfaction = 5 }}\nfeedback = \"f\"\ngoto = \"t\"\n\
             [[scenes.choices]]\nid = \"b\"\ntext = \"b\"\neffects = {{ morale = 5 }}\nfeedback = \"f\"\ngoto = \"t\"\n\
             [[scenes]]\nid = \"t\"\ntext = \"The Score is up to 91 per cent. Morale: 70%. Satisfaction up 30%, down by 2%. He paid €20%\"\n\
             variants = [{{ when = \"morale > 50\", text = \"Still 55% on the score.\" }}]\n\
             facilitator_note = \"f\"\ndiscussion = \"d\"\n\
             [[scenes.choices]]\nid = \"c\"\ntext = \"c\"\nfeedback = \"f\"\ngoto = \"e\"\n\
             [[scenes.choices]]\nid = \"d\"\ntext = \"d\"\nfeedback = \"f\"\ngoto = \"e\"\n\
             [[scenes]]\nid = \"e\"\ntext = \"e\"\nending = {{ title = \"E\", rating = \"solid\", debrief = \"d\" }}\n"
        );
        let scenario = match crate::load("q.toml", &src) {
            Ok(l) => l.scenario,
            Err(e) => panic!("{e:?}"),
        };
        let figures = analyze(&scenario, Options::default())
            .quoted_figures
            .expect("searched");
        let seen: Vec<_> = figures
            .iter()
            .map(|f| {
                (
                    f.scene.as_str(),
                    f.variant,
                    f.meter.as_str(),
                    f.figure,
                    f.min,
                    f.max,
                    f.far,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("s", None, "satisfaction", 52, 50, 50, false),
                ("t", None, "satisfaction", 91, 55, 55, true),
                ("t", None, "morale", 70, 50, 50, true),
                ("t", Some(0), "satisfaction", 55, 50, 50, false),
            ]
        );
        assert_eq!(figures[1].sentence, "The Score is up to 91 per cent");
    }

    fn bundled(name: &str) -> Scenario {
        let path = format!("{}/../../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("bundled scenario");
        crate::load(&path, &src).expect("loads").scenario
    }

    /// Gates are evaluated where play evaluates them: odds after the choice's own effects.
    #[test]
    fn gates_count_attempts_and_failures_where_they_are_evaluated() {
        let src = include_str!("../tests/fixtures/odds-after-effects.toml");
        let scenario = crate::load("odds.toml", src)
            .expect("fixture loads")
            .scenario;
        let report = analyze(&scenario, Options::default());
        assert_eq!(report.gates_basis, Basis::Exact);
        let gate = |outcome: &str| {
            let g = report
                .gates
                .iter()
                .position(|g| g.outcome.as_deref() == Some(outcome))
                .expect("a gate");
            (g, &report.gates[g])
        };
        let (hi, hi_gate) = gate("hi");
        assert_eq!(hi_gate.condition, "morale >= 70");
        assert_eq!(hi_gate.choices, ["up"]);
        // `up` is taken in half the playthroughs, and its odds always allow `hi`.
        assert!((hi_gate.attempts - 0.5).abs() < 1e-9, "{hi_gate:?}");
        assert_eq!(hi_gate.fails, 0.0);
        let (_, lo_gate) = gate("lo");
        assert_eq!(lo_gate.condition, "morale < 70");
        assert_eq!(lo_gate.fails, 1.0);
        let e1 = &report.ending_gates[0];
        assert_eq!(e1.ending, "e1");
        assert_eq!(e1.gates, [GateUse { gate: hi, via: 1.0 }]);
        // `e2` is reached only through `other`, which has no gate.
        assert!(report.ending_gates[1].gates.is_empty());
    }

    #[test]
    fn odds_gates_read_as_the_condition_under_which_the_outcome_is_possible() {
        let head = include_str!("../tests/fixtures/odds-after-effects.toml");
        let head = &head[..head.find("[[scenes]]").expect("scenes")];
        let outcomes = r#"
[[scenes.choices.outcomes]]
id = "great"
weight = 0
odds = [
  { when = "morale >= 80 and not (satisfaction < 20 or morale == 99)", weight = 0 },
  { when = "morale >= 50", weight = 2 },
  { when = "satisfaction > 10", weight = 1 },
]
text = "g"
goto = "e1"
[[scenes.choices.outcomes]]
id = "fallback"
weight = 1
odds = [{ when = "satisfaction >= 50 and (morale < 5 or morale > 95 and satisfaction < 60)", weight = 0 }]
text = "f"
goto = "e2"
[[scenes.choices.outcomes]]
id = "plain"
weight = 1
odds = [{ when = "satisfaction >= 90", weight = 5 }]
text = "p"
goto = "e2"
"#;
        let src = format!(
            "{head}[[scenes]]\nid = \"s\"\ntext = \"t\"\n\
             [[scenes.choices]]\nid = \"a\"\ntext = \"a\"\n{outcomes}\
             [[scenes.choices]]\nid = \"b\"\ntext = \"b\"\n{outcomes}\
             [[scenes]]\nid = \"e1\"\ntext = \"e\"\n\
             ending = {{ title = \"E1\", rating = \"exemplary\", debrief = \"d\" }}\n\
             [[scenes]]\nid = \"e2\"\ntext = \"e\"\n\
             ending = {{ title = \"E2\", rating = \"failing\", debrief = \"d\" }}\n"
        );
        let scenario = match crate::load("gates.toml", &src) {
            Ok(loaded) => loaded.scenario,
            Err(e) => panic!("{e:?}"),
        };
        let table = GateTable::new(&scenario);
        let gate = |outcome: &str| {
            table
                .gates
                .iter()
                .find(|g| g.outcome.as_deref() == Some(outcome))
                .expect("a gate")
        };
        // A default of zero raised by rules, after a zero rule that wins first.
        assert_eq!(
            gate("great").condition,
            "(not (morale >= 80 and not (satisfaction < 20 or morale == 99)) and morale >= 50) \
             or (not (morale >= 80 and not (satisfaction < 20 or morale == 99)) and \
             satisfaction > 10)"
        );
        // A default weight that a rule takes away.
        assert_eq!(
            gate("fallback").condition,
            "not (satisfaction >= 50 and (morale < 5 or (morale > 95 and satisfaction < 60)))"
        );
        // A weight that never reaches zero is no gate.
        assert!(
            table
                .gates
                .iter()
                .all(|g| g.outcome.as_deref() != Some("plain"))
        );
        // The same outcome after two choices of one scene is one gate.
        assert_eq!(gate("great").choices, ["a", "b"]);
        assert_eq!(table.gates.len(), 2);
    }

    #[test]
    fn a_tie_is_no_single_longest_or_best() {
        assert_eq!(single_max([(0, 3), (1, 5), (2, 4)].into_iter()), Some(1));
        assert_eq!(single_max([(0, 5), (1, 5), (2, 4)].into_iter()), None);
        assert_eq!(single_max([(0, 5), (1, 5), (2, 6)].into_iter()), Some(2));
        assert_eq!(single_max(std::iter::empty::<(usize, i32)>()), None);
    }

    /// The state search finds the same best and worst verdicts as enumerating every path, and
    /// keeps them exact when the paths are only sampled; past its budget it says "sampled".
    #[test]
    fn best_and_worst_come_from_every_state_or_say_they_are_sampled() {
        let scenario = bundled("escalation");
        let rank = |p: &Option<PathReport>| {
            let p = p.as_ref().expect("a path");
            (std::cmp::Reverse(p.rating), p.score)
        };
        let full = analyze(&scenario, Options::default());
        assert!(matches!(full.method, Method::Exhaustive { .. }));
        let tally = enumerate(&scenario, Policy::Uniform, u64::MAX).expect("enumerates");
        let by_paths = |f: &Option<Found>| {
            let (score, _, end) = f.as_ref().expect("a path");
            let rating = scenario.scenes[*end].ending().expect("an ending").rating;
            (std::cmp::Reverse(rating), *score)
        };
        assert_eq!(full.paths_basis, Basis::Exact);
        assert_eq!(rank(&full.best), by_paths(&tally.best));
        assert_eq!(rank(&full.worst), by_paths(&tally.worst));

        let sampled_paths = analyze(
            &scenario,
            Options {
                max_paths: 10,
                runs: 50,
                ..Options::default()
            },
        );
        assert!(matches!(sampled_paths.method, Method::MonteCarlo { .. }));
        assert_eq!(sampled_paths.paths_basis, Basis::Exact);
        assert_eq!(sampled_paths.gates_basis, Basis::Sampled);
        assert_eq!(rank(&sampled_paths.best), rank(&full.best));
        assert_eq!(rank(&sampled_paths.worst), rank(&full.worst));
        assert_eq!(sampled_paths.arrivals, full.arrivals);

        let sampled_states = analyze(
            &scenario,
            Options {
                max_states: 10,
                ..Options::default()
            },
        );
        assert_eq!(sampled_states.states, None);
        assert_eq!(sampled_states.paths_basis, Basis::Exact);
        let both_sampled = analyze(
            &scenario,
            Options {
                max_states: 10,
                max_paths: 10,
                runs: 50,
                ..Options::default()
            },
        );
        assert_eq!(both_sampled.paths_basis, Basis::Sampled);
        assert!(rank(&both_sampled.best) <= rank(&full.best));
        assert!(rank(&both_sampled.worst) >= rank(&full.worst));
    }

    /// Arrivals: flags that differ between arrival states, and the texts that can show.
    #[test]
    fn arrivals_list_the_flags_that_vary_and_the_texts_that_show() {
        let scenario = bundled("boss-demand");
        let report = analyze(&scenario, Options::default());
        let found = search_states(&scenario, usize::MAX, true).expect("searched");
        for a in &report.arrivals {
            let idx = scenario.scene_by_id(&a.ending).expect("an ending");
            let states: Vec<&(usize, Vec<i32>)> =
                found.ends.iter().filter(|(s, _)| *s == idx.0).collect();
            assert!(!states.is_empty(), "{}", a.ending);
            for f in a.varying.iter().chain(&a.always) {
                assert!(scenario.flags.contains(f));
            }
            assert!(a.always.iter().all(|f| !a.varying.contains(f)));
            assert!(a.unnamed.iter().all(|f| a.varying.contains(f)));
            assert!(a.text_shown || a.variants_shown.iter().any(|s| *s));
        }
        // `plan_agreed` decides which ending the exemplary line reaches: always raised there.
        let exemplary = report
            .arrivals
            .iter()
            .find(|a| a.ending == "end-number-behind")
            .expect("reached");
        assert!(exemplary.always.contains(&"plan_agreed".to_owned()));
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
