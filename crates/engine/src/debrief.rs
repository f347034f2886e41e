//! What a finished (or unfinished) session taught: the decisions as a timeline with the odds
//! of every chance outcome, the meters across the decisions, the principles applied and
//! went against, and for each decision a what-if: the best thing the player could have done
//! at that point and where it would have led.
//!
//! Everything here is computed by replaying the session's own seed, so a what-if meets the
//! same dice the player met: it answers "what if I had chosen differently, with the same
//! luck", not "on average". Nothing here changes a session.

use std::collections::HashMap;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

use crate::scenario::{Rating, Scenario, SceneIdx, TriggerIdx};
use crate::session::{Effects, Event, Session, State, draw_index};

/// A chance outcome as it was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chance {
    /// Index of the outcome drawn, in the choice's outcome list.
    pub outcome: usize,
    /// Its weight when it was drawn.
    pub weight: u32,
    /// The sum of all the outcomes' weights when it was drawn.
    pub total: u32,
}

impl Chance {
    /// The chance outcome among a decision's events, if it had one.
    pub fn from_events(events: &[Event]) -> Option<Chance> {
        events.iter().find_map(|e| match e {
            Event::ChanceDrawn {
                outcome,
                weight,
                total,
                ..
            } => Some(Chance {
                outcome: *outcome,
                weight: *weight,
                total: *total,
            }),
            _ => None,
        })
    }

    /// The drawn outcome's probability in whole percent (rounded; never 0 or 100 unless it
    /// truly was impossible or certain).
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            return 0;
        }
        let p = (u64::from(self.weight) * 100 + u64::from(self.total) / 2) / u64::from(self.total);
        let p = p as u32;
        match p {
            0 if self.weight > 0 => 1,
            100 if self.weight < self.total => 99,
            p => p,
        }
    }

    /// Whether another outcome was possible.
    pub fn could_have_gone_otherwise(&self) -> bool {
        self.weight < self.total
    }

    /// The odds with the right article, for a sentence: "a 40% chance", "an 85% chance".
    pub fn odds_phrase(&self) -> String {
        let p = self.percent();
        format!("{} {p}% chance", a_or_an(p))
    }
}

/// The indefinite article before a number as it is read aloud: "an" for the numbers said
/// with a vowel sound first (8, 11, 18, 80-89, 800-899, 8,000, 11,000, 18,000, ...), "a" for
/// the rest.
pub fn a_or_an(n: u32) -> &'static str {
    let digits = n.to_string();
    // Read in groups of three from the left: the first group is what is said first.
    let lead = match digits.len() % 3 {
        0 => &digits[..3],
        k => &digits[..k],
    };
    if lead.starts_with('8') || lead == "11" || lead == "18" {
        "an"
    } else {
        "a"
    }
}

/// One decision in the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The scene the decision was made in.
    pub scene: SceneIdx,
    /// The choice's index in that scene.
    pub choice: usize,
    /// The chance outcome, if the choice had one.
    pub chance: Option<Chance>,
    /// Meters before the decision.
    pub meters_before: Vec<i32>,
    /// Meters after the decision and its consequences.
    pub meters_after: Vec<i32>,
    /// Delayed consequences that fired.
    pub triggers: Vec<TriggerIdx>,
    /// The meter changes split into the choice's own and each consequence's.
    pub effects: Effects,
}

/// The session's decisions with the odds of their chance outcomes, found by replaying the
/// seed. The result has one step per decision in the session's history.
pub fn timeline(session: &Session) -> Vec<Step> {
    let mut replay = Session::new(session.scenario().clone(), session.seed());
    let mut steps = Vec::with_capacity(session.history().len());
    for d in session.history() {
        let Ok(events) = replay.choose_index(d.choice) else {
            // A session's own history always replays; stop rather than invent steps.
            break;
        };
        let chance = Chance::from_events(&events);
        steps.push(Step {
            scene: d.scene,
            choice: d.choice,
            chance,
            meters_before: d.meters_before.clone(),
            meters_after: d.meters_after.clone(),
            triggers: d.triggers.clone(),
            effects: Effects::from_events(&events),
        });
    }
    steps
}

/// Each meter's value at the start and after every decision: `series[meter][n]`.
pub fn meter_series(session: &Session) -> Vec<Vec<i32>> {
    let scenario = session.scenario();
    let start = scenario.start_meters();
    (0..scenario.meters.len())
        .map(|m| {
            std::iter::once(start[m])
                .chain(session.history().iter().map(|d| d.meters_after[m]))
                .collect()
        })
        .collect()
}

/// How often the player's choices applied and went against one principle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipleCount {
    /// The principle's tag.
    pub tag: String,
    /// Decisions that applied it.
    pub applied: u32,
    /// Decisions that went against it.
    pub violated: u32,
}

/// The principles the session's choices named, in the order they first came up.
pub fn principle_profile(session: &Session) -> Vec<PrincipleCount> {
    let scenario = session.scenario();
    let mut profile: Vec<PrincipleCount> = Vec::new();
    let mut bump = |tag: &str, applied: bool| {
        let at = match profile.iter().position(|p| p.tag == tag) {
            Some(i) => i,
            None => {
                profile.push(PrincipleCount {
                    tag: tag.to_owned(),
                    applied: 0,
                    violated: 0,
                });
                profile.len() - 1
            }
        };
        if applied {
            profile[at].applied += 1;
        } else {
            profile[at].violated += 1;
        }
    };
    for d in session.history() {
        let choice = &scenario.scene(d.scene).choices()[d.choice];
        for t in &choice.applies {
            bump(t, true);
        }
        for t in &choice.violates {
            bump(t, false);
        }
    }
    profile
}

/// Where a line of play ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The ending scene.
    pub ending: SceneIdx,
    /// Its rating.
    pub rating: Rating,
    /// The final score.
    pub score: i32,
}

impl Outcome {
    /// Whether `self` is better than `other` in the verdict order: a better rating, then a
    /// higher score (the same order as [`crate::scenario::Verdict::beats`]).
    pub fn beats(&self, other: &Outcome) -> bool {
        (std::cmp::Reverse(self.rating), self.score)
            > (std::cmp::Reverse(other.rating), other.score)
    }
}

/// The best alternative at one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatIf {
    /// Which decision (0-based) this is about.
    pub decision: usize,
    /// The strongest choice the player did not make, by its index in the scene; `None` when
    /// no other choice was available.
    pub alternative: Option<usize>,
    /// Where that alternative leads with the best play afterwards.
    pub alternative_leads_to: Option<Outcome>,
    /// Where the player's own choice leads with the best play afterwards.
    pub chosen_at_best: Outcome,
    /// Whether every choice on offer led, with the best play afterwards, to the same ending
    /// as the player's choice (possibly with other meters).
    pub same_ending: bool,
    /// Whether every line was searched (`false` when the search budget ran out and the rest
    /// was played by always taking the first choice offered).
    pub exhaustive: bool,
}

/// What one decision meant for where the story could end, with the best play afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mattered {
    /// Only one choice was on offer.
    NoAlternative,
    /// Every choice on offer led to the same ending.
    SameEnding,
    /// Another choice would have led further up the verdict order.
    AlternativeBetter,
    /// The player's choice kept the best reachable verdict; the others led lower (or equal).
    ChoiceWasBest,
}

impl WhatIf {
    /// Whether the alternative would have ended better than the player's choice could.
    pub fn alternative_is_better(&self) -> bool {
        self.alternative_leads_to
            .is_some_and(|alt| alt.beats(&self.chosen_at_best))
    }

    /// Whether, and how, this decision mattered.
    pub fn mattered(&self) -> Mattered {
        if self.alternative.is_none() {
            Mattered::NoAlternative
        } else if self.same_ending {
            Mattered::SameEnding
        } else if self.alternative_is_better() {
            Mattered::AlternativeBetter
        } else {
            Mattered::ChoiceWasBest
        }
    }
}

/// How many states one [`what_ifs`] call may expand before it stops searching.
pub const SEARCH_BUDGET: usize = 200_000;

/// The what-if at every decision of the session.
pub fn what_ifs(session: &Session) -> Vec<WhatIf> {
    let scenario = session.scenario();
    let mut search = Search::new(scenario, session.seed());
    let mut state = State::start(scenario);
    let mut draws = 0;
    let mut what_ifs = Vec::with_capacity(session.history().len());
    for (n, d) in session.history().iter().enumerate() {
        let mut best_alt: Option<(usize, Outcome)> = None;
        let mut chosen_at_best = None;
        let mut endings = Vec::new();
        let options: Vec<usize> = state.available(scenario).collect();
        for i in options {
            let (next, next_draws) = search.step(&state, draws, i);
            let outcome = search.best(&next, next_draws);
            endings.push(outcome.ending);
            if i == d.choice {
                chosen_at_best = Some(outcome);
            } else if best_alt.is_none_or(|(_, b)| outcome.beats(&b)) {
                best_alt = Some((i, outcome));
            }
        }
        let (next, next_draws) = search.step(&state, draws, d.choice);
        let chosen_at_best = chosen_at_best.unwrap_or_else(|| search.best(&next, next_draws));
        what_ifs.push(WhatIf {
            decision: n,
            alternative: best_alt.map(|(i, _)| i),
            alternative_leads_to: best_alt.map(|(_, o)| o),
            chosen_at_best,
            same_ending: endings.iter().all(|e| *e == chosen_at_best.ending),
            exhaustive: search.exhaustive,
        });
        (state, draws) = (next, next_draws);
    }
    what_ifs
}

/// Whether what-ifs fit this session: one per decision, in order, each naming a choice the
/// decision's scene has (other than the one made) and scenes of the scenario, with scores
/// from 0 to 100. What-ifs searched elsewhere (the app's what-if worker) and sent back are
/// checked with it before they are shown, so a bad reply can never index out of range.
pub fn what_ifs_fit(session: &Session, what_ifs: &[WhatIf]) -> bool {
    let scenario = session.scenario();
    let fits = |o: &Outcome| o.ending.0 < scenario.scenes.len() && (0..=100).contains(&o.score);
    what_ifs.len() == session.history().len()
        && what_ifs
            .iter()
            .zip(session.history())
            .enumerate()
            .all(|(n, (w, d))| {
                let choices = scenario.scene(d.scene).choices().len();
                w.decision == n
                    && w.alternative.is_none_or(|a| a < choices && a != d.choice)
                    && w.alternative.is_some() == w.alternative_leads_to.is_some()
                    && w.alternative_leads_to.as_ref().is_none_or(fits)
                    && fits(&w.chosen_at_best)
            })
}

/// A search for the best play from a state, with the session's dice. A state and the number
/// of draws made so far determine every future (the seed is shared), so they are the key.
struct Search<'s> {
    scenario: &'s Scenario,
    rng: ChaCha8Rng,
    /// The seed's draws, made as far as needed: `stream[d]` is draw number `d`.
    stream: Vec<u64>,
    /// Best outcomes found, by state and then by draws made (few per state), so that a look-up
    /// borrows the state instead of cloning it.
    memo: HashMap<State, Vec<(u32, Outcome)>, FxBuildHasher>,
    /// Events of a step, which the search does not need: one buffer, cleared each time.
    events: Vec<Event>,
    budget: usize,
    exhaustive: bool,
}

impl<'s> Search<'s> {
    fn new(scenario: &'s Scenario, seed: u64) -> Search<'s> {
        Search {
            scenario,
            rng: ChaCha8Rng::seed_from_u64(seed),
            stream: Vec::new(),
            memo: HashMap::default(),
            events: Vec::new(),
            budget: SEARCH_BUDGET,
            exhaustive: true,
        }
    }

    /// Makes choice `i` from `state` after `draws` draws, as [`Session::choose_index`] would.
    fn step(&mut self, state: &State, draws: u32, i: usize) -> (State, u32) {
        while self.stream.len() <= draws as usize {
            self.stream.push(self.rng.next_u64());
        }
        let r = self.stream[draws as usize];
        let mut used = draws;
        let mut pick = |weights: &[u32]| {
            used += 1;
            draw_index(r, weights)
        };
        let mut next = state.clone();
        self.events.clear();
        next.step(self.scenario, i, &mut pick, &mut self.events);
        (next, used)
    }

    fn outcome(&self, state: &State, rating: Rating) -> Outcome {
        Outcome {
            ending: state.scene,
            rating,
            score: self.scenario.score(rating, &state.meters),
        }
    }

    /// The best outcome reachable from `state` by choosing well.
    fn best(&mut self, state: &State, draws: u32) -> Outcome {
        if let Some(ending) = self.scenario.scene(state.scene).ending() {
            return self.outcome(state, ending.rating);
        }
        if let Some(&(_, o)) = self
            .memo
            .get(state)
            .and_then(|known| known.iter().find(|(d, _)| *d == draws))
        {
            return o;
        }
        let options: Vec<usize> = state.available(self.scenario).collect();
        let mut best: Option<Outcome> = None;
        for i in options {
            let (next, next_draws) = self.step(state, draws, i);
            let o = if self.budget == 0 {
                self.exhaustive = false;
                self.first_choice_play(next, next_draws)
            } else {
                self.budget -= 1;
                self.best(&next, next_draws)
            };
            if best.is_none_or(|b| o.beats(&b)) {
                best = Some(o);
            }
        }
        // A loaded scenario always offers a choice before an ending; if not, count this
        // state as its own (worst) outcome rather than fail.
        let best = best.unwrap_or_else(|| self.outcome(state, Rating::Failing));
        self.memo
            .entry(state.clone())
            .or_default()
            .push((draws, best));
        best
    }

    /// Plays on by taking the first choice offered each time (once the budget is spent).
    fn first_choice_play(&mut self, mut state: State, mut draws: u32) -> Outcome {
        // Each step moves on; the loader guarantees an ending is reachable, and the cap
        // keeps a pathological loop from running away.
        for _ in 0..10_000 {
            if let Some(ending) = self.scenario.scene(state.scene).ending() {
                return self.outcome(&state, ending.rating);
            }
            let Some(i) = state.available(self.scenario).next() else {
                break;
            };
            (state, draws) = self.step(&state, draws, i);
        }
        self.outcome(&state, Rating::Failing)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Regression (issue 16): "it had a 85% chance".
    #[test]
    fn odds_take_the_article_they_are_read_with() {
        for n in [
            8, 11, 18, 80, 83, 85, 89, 800, 8_000, 11_000, 18_500, 80_000, 800_000,
        ] {
            assert_eq!(a_or_an(n), "an", "{n}");
        }
        for n in [
            1, 7, 10, 12, 17, 19, 28, 40, 71, 99, 100, 110, 180, 1_100, 1_800, 111_000,
        ] {
            assert_eq!(a_or_an(n), "a", "{n}");
        }
        let chance = |weight, total| Chance {
            outcome: 0,
            weight,
            total,
        };
        assert_eq!(chance(85, 100).odds_phrase(), "an 85% chance");
        assert_eq!(chance(11, 100).odds_phrase(), "an 11% chance");
        assert_eq!(chance(2, 25).odds_phrase(), "an 8% chance");
        assert_eq!(chance(4, 5).odds_phrase(), "an 80% chance");
        assert_eq!(chance(2, 5).odds_phrase(), "a 40% chance");
        assert_eq!(chance(1, 3).odds_phrase(), "a 33% chance");
    }

    fn scenario(name: &str) -> Arc<crate::Scenario> {
        let path = format!("{}/../../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("bundled scenario");
        Arc::new(crate::load(&path, &src).expect("loads").scenario)
    }

    fn play_first_choices(s: &mut Session) {
        while !s.is_ended() {
            let (i, _) = s.available_choices().next().expect("a choice");
            s.choose_index(i).expect("available");
        }
    }

    /// Every outcome reachable from a session, by playing out every line as real sessions.
    fn every_ending(s: Session) -> Vec<Outcome> {
        if let Some(e) = s.ending() {
            return vec![Outcome {
                ending: s.scene_idx(),
                rating: e.rating,
                score: s.score(),
            }];
        }
        let options: Vec<usize> = s.available_choices().map(|(i, _)| i).collect();
        options
            .into_iter()
            .flat_map(|i| {
                let mut next = s.clone();
                next.choose_index(i).expect("available");
                every_ending(next)
            })
            .collect()
    }

    #[test]
    fn timeline_matches_history_and_odds_add_up() {
        for id in ["escalation", "burnout", "stretch-target"] {
            for seed in 0..20 {
                let mut s = Session::new(scenario(id), seed);
                play_first_choices(&mut s);
                let steps = timeline(&s);
                assert_eq!(steps.len(), s.history().len());
                for (step, d) in steps.iter().zip(s.history()) {
                    assert_eq!(step.choice, d.choice);
                    assert_eq!(step.chance.as_ref().map(|c| c.outcome), d.outcome);
                    if let Some(c) = &step.chance {
                        assert!(c.weight <= c.total);
                        assert!((1..=100).contains(&c.percent()) || c.weight == 0);
                    }
                }
            }
        }
    }

    #[test]
    fn percent_never_hides_a_possibility() {
        let c = |weight, total| Chance {
            outcome: 0,
            weight,
            total,
        };
        assert_eq!(c(1, 1000).percent(), 1);
        assert_eq!(c(999, 1000).percent(), 99);
        assert_eq!(c(30, 100).percent(), 30);
        assert_eq!(c(5, 5).percent(), 100);
        assert!(!c(5, 5).could_have_gone_otherwise());
        assert_eq!(c(0, 0).percent(), 0);
    }

    #[test]
    fn series_start_at_the_start_values() {
        let sc = scenario("escalation");
        let mut s = Session::new(sc.clone(), 4);
        play_first_choices(&mut s);
        let series = meter_series(&s);
        assert_eq!(series.len(), sc.meters.len());
        for (m, values) in series.iter().enumerate() {
            assert_eq!(values.len(), s.history().len() + 1);
            assert_eq!(values[0], sc.start_meters()[m]);
            assert_eq!(*values.last().expect("values"), s.meters()[m]);
        }
    }

    #[test]
    fn profile_counts_every_tag_of_every_choice() {
        let sc = scenario("burnout");
        let mut s = Session::new(sc.clone(), 9);
        play_first_choices(&mut s);
        let expected: u32 = s
            .history()
            .iter()
            .map(|d| {
                let c = &sc.scene(d.scene).choices()[d.choice];
                (c.applies.len() + c.violates.len()) as u32
            })
            .sum();
        let profile = principle_profile(&s);
        assert_eq!(
            profile.iter().map(|p| p.applied + p.violated).sum::<u32>(),
            expected
        );
    }

    #[test]
    fn what_ifs_are_real_replays() {
        // Whatever the search says an alternative leads to must be reachable by actually
        // playing it: the chosen line's best can never be worse than the player's own result,
        // and the best alternative's score is at most the scenario's best possible.
        for id in ["escalation", "policy", "informal-leader"] {
            let sc = scenario(id);
            for seed in 0..5 {
                let mut s = Session::new(sc.clone(), seed);
                play_first_choices(&mut s);
                let what_ifs = what_ifs(&s);
                assert_eq!(what_ifs.len(), s.history().len());
                for w in &what_ifs {
                    assert!(w.exhaustive, "{id}: small scenarios are searched fully");
                    assert!(w.chosen_at_best.score >= s.score() || w.decision + 1 < what_ifs.len());
                    if let (Some(i), Some(o)) = (w.alternative, w.alternative_leads_to) {
                        assert_ne!(i, s.history()[w.decision].choice);
                        // Check by brute force over real sessions: some line of play after
                        // the alternative reaches exactly that outcome, and none beats it.
                        let mut alt = s.rewound(w.decision);
                        alt.choose_index(i).expect("the alternative was available");
                        let all = every_ending(alt);
                        assert!(all.contains(&o));
                        assert!(!all.iter().any(|x| x.beats(&o)));
                    }
                }
                // At the last decision, the chosen line's best is exactly what happened.
                let last = what_ifs.last().expect("at least one decision");
                assert_eq!(last.chosen_at_best.score, s.score());
            }
        }
    }

    #[test]
    fn a_better_alternative_is_found_when_the_player_chose_badly() {
        // A player who always takes the choice with the worst immediate score leaves room for
        // a better choice somewhere, and the search must find it.
        let sc = scenario("escalation");
        for seed in 0..5 {
            let mut s = Session::new(sc.clone(), seed);
            while !s.is_ended() {
                let options: Vec<usize> = s.available_choices().map(|(i, _)| i).collect();
                let worst = options
                    .into_iter()
                    .min_by_key(|&i| {
                        let mut t = s.clone();
                        t.choose_index(i).expect("available");
                        t.score()
                    })
                    .expect("a choice");
                s.choose_index(worst).expect("available");
            }
            assert!(
                what_ifs(&s).iter().any(WhatIf::alternative_is_better),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn what_ifs_survive_a_round_trip_and_bad_ones_do_not_fit() {
        let sc = scenario("escalation");
        let mut s = Session::new(sc.clone(), 7);
        play_first_choices(&mut s);
        let found = what_ifs(&s);
        assert!(what_ifs_fit(&s, &found));
        let bytes = postcard::to_allocvec(&found).expect("serialises");
        let back: Vec<WhatIf> = postcard::from_bytes(&bytes).expect("reads back");
        assert_eq!(back, found);

        assert!(!what_ifs_fit(&s, &found[1..]), "one per decision");
        assert!(!what_ifs_fit(&s.rewound(1), &found), "for this session");
        let mut bad = found.clone();
        bad[0].chosen_at_best.ending = SceneIdx(sc.scenes.len());
        assert!(!what_ifs_fit(&s, &bad), "a scene out of range");
        let mut bad = found.clone();
        bad[0].alternative = Some(s.history()[0].choice);
        assert!(!what_ifs_fit(&s, &bad), "the alternative is another choice");
        let mut bad = found.clone();
        bad[0].chosen_at_best.score = 101;
        assert!(!what_ifs_fit(&s, &bad), "a score out of range");
        let mut bad = found;
        bad.swap(0, 1);
        assert!(!what_ifs_fit(&s, &bad), "in order");
    }
}
