//! The play reducer: an engine session plus what the screen needs to explain the last
//! decision. Pure: no browser calls, so it is tested natively.

use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::debrief::Chance;
use frontline_engine::scenario::{GoodDirection, Next};
use frontline_engine::session::{Effects, MeterMove};
use frontline_engine::{Scenario, Session};

use crate::components::rich_text;
use yew::Reducible;

/// A meter change to show and announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterChange {
    /// Meter label, e.g. "Team morale".
    pub label: String,
    /// Value before.
    pub before: i32,
    /// Value after.
    pub after: i32,
    /// Whether a lower value is better (e.g. a backlog).
    pub low_is_good: bool,
}

impl MeterChange {
    fn new(scenario: &Scenario, m: &MeterMove) -> MeterChange {
        let meter = &scenario.meters[m.meter.0];
        MeterChange {
            label: meter.label.clone(),
            before: m.before,
            after: m.after,
            low_is_good: meter.good == GoodDirection::Low,
        }
    }

    /// Whether the change is good news (a rise, or a fall where lower is better).
    pub fn is_good(&self) -> bool {
        (self.after > self.before) != self.low_is_good
    }

    /// The signed change as shown: "+5", "\u{2212}8" (a minus sign, not a hyphen).
    pub fn signed(&self) -> String {
        let d = self.after - self.before;
        if d > 0 {
            format!("+{d}")
        } else {
            format!("\u{2212}{}", d.abs())
        }
    }

    /// "Team morale fell by 8 to 54."
    fn sentence(&self) -> String {
        let diff = self.after - self.before;
        let verb = if diff > 0 { "rose" } else { "fell" };
        format!("{} {verb} by {} to {}.", self.label, diff.abs(), self.after)
    }
}

/// Whether a set of changes is good news, bad news or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Every change is good news.
    Good,
    /// Every change is bad news.
    Bad,
    /// Some of each, or no change.
    Mixed,
}

impl Tone {
    /// The tone of these changes.
    pub fn of(changes: &[MeterChange]) -> Tone {
        match (
            changes.iter().any(MeterChange::is_good),
            changes.iter().any(|c| !c.is_good()),
        ) {
            (true, false) => Tone::Good,
            (false, true) => Tone::Bad,
            _ => Tone::Mixed,
        }
    }
}

/// A delayed consequence that the decision set off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consequence {
    /// What happened (Markdown).
    pub text: String,
    /// The meters it moved.
    pub changes: Vec<MeterChange>,
}

/// What the last decision did, for the feedback panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDecision {
    /// The choice's button text.
    pub choice: String,
    /// The author's feedback on the choice.
    pub feedback: Option<String>,
    /// The chance outcome's text, if the choice had one.
    pub chance: Option<String>,
    /// The chance outcome's odds when it was drawn, if the choice had one.
    pub odds: Option<Chance>,
    /// The leadership ideas (tags) the choice applied.
    pub applied: Vec<String>,
    /// The leadership ideas (tags) the choice went against.
    pub violated: Vec<String>,
    /// The meters the choice itself moved (with its chance outcome), in meter order.
    pub changes: Vec<MeterChange>,
    /// Delayed consequences that fired, each with the meters it moved.
    pub consequences: Vec<Consequence>,
}

impl LastDecision {
    /// Sentences for screen readers: the choice's changes, then each consequence's, e.g.
    /// "Team morale rose by 4 to 66. Meanwhile: Team morale fell by 6 to 60."
    pub fn announcement(&self) -> String {
        let mut parts: Vec<String> = self.changes.iter().map(MeterChange::sentence).collect();
        for c in self.consequences.iter().filter(|c| !c.changes.is_empty()) {
            parts.push("Meanwhile:".into());
            parts.extend(c.changes.iter().map(MeterChange::sentence));
        }
        if parts.is_empty() {
            parts.push("The meters did not change.".into());
        }
        parts.join(" ")
    }
}

/// The state of the play page.
#[derive(Debug, Clone)]
pub struct PlayState {
    /// The session.
    pub session: Session,
    /// What the last decision did.
    pub last: Option<LastDecision>,
    /// A problem with the last action, shown to the player.
    pub error: Option<String>,
}

/// Things the player does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlayAction {
    /// Pick the choice at this index in the current scene.
    Choose(usize),
    /// Start again with a new seed.
    Restart(u64),
    /// Go back to just before decision `n` (0-based), keeping the seed, to try another way.
    Rewind(usize),
}

impl PlayState {
    /// A state around an existing session (new or restored).
    pub fn new(session: Session) -> PlayState {
        PlayState {
            session,
            last: None,
            error: None,
        }
    }

    /// A new session.
    pub fn start(scenario: Arc<Scenario>, seed: u64) -> PlayState {
        PlayState::new(Session::new(scenario, seed))
    }

    fn choose(&self, idx: usize) -> PlayState {
        let mut session = self.session.clone();
        let events = match session.choose_index(idx) {
            Ok(events) => events,
            Err(e) => return self.with_error(e.to_string()),
        };
        let odds = Chance::from_events(&events);
        // The events tell the choice's own changes from each consequence's; the engine's
        // decision record holds the choice and the outcome drawn.
        let effects = Effects::from_events(&events);
        let scenario = session.scenario().clone();
        let Some(decision) = session.history().last() else {
            return self.with_error("the decision was not recorded".into());
        };
        let choice = &scenario.scene(decision.scene).choices()[decision.choice];
        let chance = match (&choice.next, decision.outcome) {
            (Next::Chance(outcomes), Some(o)) => outcomes.get(o).map(|o| o.text.clone()),
            _ => None,
        };
        let changes_of = |moves: &[MeterMove]| {
            moves
                .iter()
                .map(|m| MeterChange::new(&scenario, m))
                .collect()
        };
        let consequences = effects
            .triggers
            .iter()
            .map(|(t, moves)| Consequence {
                text: scenario.triggers[t.0].text.clone(),
                changes: changes_of(moves),
            })
            .collect();
        let last = LastDecision {
            choice: rich_text::plain(&choice.text),
            feedback: choice.feedback.clone(),
            chance,
            odds,
            applied: choice.applies.clone(),
            violated: choice.violates.clone(),
            changes: changes_of(&effects.own),
            consequences,
        };
        PlayState {
            last: Some(last),
            session,
            error: None,
        }
    }

    fn with_error(&self, error: String) -> PlayState {
        PlayState {
            error: Some(error),
            ..self.clone()
        }
    }
}

impl Reducible for PlayState {
    type Action = PlayAction;

    fn reduce(self: Rc<Self>, action: PlayAction) -> Rc<Self> {
        Rc::new(match action {
            PlayAction::Choose(idx) => self.choose(idx),
            PlayAction::Restart(seed) => PlayState::start(self.session.scenario().clone(), seed),
            PlayAction::Rewind(n) => PlayState::new(self.session.rewound(n)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_scenario() -> Arc<Scenario> {
        let src = include_str!("../scenarios/stretch-target.toml");
        Arc::new(
            frontline_engine::load("stretch-target.toml", src)
                .expect("the bundled scenario loads")
                .scenario,
        )
    }

    #[test]
    fn choosing_records_what_happened() {
        let state = Rc::new(PlayState::start(first_scenario(), 3));
        let (idx, _) = state.session.available_choices().next().expect("a choice");
        let next = state.clone().reduce(PlayAction::Choose(idx));
        assert_eq!(next.session.history().len(), 1);
        let last = next.last.as_ref().expect("last decision");
        assert!(!last.choice.is_empty());
        for c in &last.changes {
            assert_ne!(c.before, c.after);
        }
        assert!(next.error.is_none());
    }

    #[test]
    fn a_bad_index_is_an_error_not_a_panic() {
        let state = Rc::new(PlayState::start(first_scenario(), 3));
        let next = state.clone().reduce(PlayAction::Choose(99));
        assert_eq!(next.session.history().len(), 0);
        assert_eq!(
            next.error.as_deref(),
            Some("there is no choice '#100' here")
        );
    }

    #[test]
    fn chance_odds_are_recorded_and_rewind_keeps_the_seed() {
        // Play first choices until a chance outcome happens; its odds must be recorded.
        let scenario = first_scenario();
        let mut state = Rc::new(PlayState::start(scenario, 11));
        let mut saw_chance = false;
        while !state.session.is_ended() {
            let (idx, _) = state.session.available_choices().next().expect("a choice");
            state = state.clone().reduce(PlayAction::Choose(idx));
            let last = state.last.as_ref().expect("last decision");
            assert_eq!(last.chance.is_some(), last.odds.is_some());
            if let Some(odds) = &last.odds {
                saw_chance = true;
                assert!(odds.weight <= odds.total && odds.total > 0);
            }
        }
        assert!(
            saw_chance,
            "stretch-target has chance outcomes on its first-choice path"
        );
        let seed = state.session.seed();
        let rewound = state.clone().reduce(PlayAction::Rewind(2));
        assert_eq!(rewound.session.history().len(), 2);
        assert_eq!(rewound.session.seed(), seed);
        assert_eq!(rewound.session.history(), &state.session.history()[..2]);
    }

    #[test]
    fn announcements_read_naturally() {
        let change = |label: &str, before, after, low_is_good| MeterChange {
            label: label.into(),
            before,
            after,
            low_is_good,
        };
        let last = LastDecision {
            choice: "x".into(),
            feedback: None,
            chance: None,
            odds: None,
            applied: vec![],
            violated: vec![],
            changes: vec![
                change("Team morale", 62, 54, false),
                change("Customer satisfaction", 50, 55, false),
            ],
            consequences: vec![Consequence {
                text: "Priya resigns.".into(),
                changes: vec![change("Team morale", 54, 48, false)],
            }],
        };
        assert_eq!(
            last.announcement(),
            "Team morale fell by 8 to 54. Customer satisfaction rose by 5 to 55. Meanwhile: Team morale fell by 6 to 48."
        );
        // Good news is a rise, or a fall where lower is better; each change signed.
        assert!(change("Backlog", 40, 30, true).is_good());
        assert!(!change("Backlog", 30, 40, true).is_good());
        assert_eq!(change("Backlog", 30, 40, true).signed(), "+10");
        assert_eq!(change("Team morale", 62, 54, false).signed(), "\u{2212}8");
        assert_eq!(Tone::of(&last.consequences[0].changes), Tone::Bad);
        assert_eq!(Tone::of(&[change("Backlog", 40, 30, true)]), Tone::Good);
        assert_eq!(Tone::of(&last.changes), Tone::Mixed);
        assert_eq!(Tone::of(&[]), Tone::Mixed);
    }

    /// Regression (issue 16): a delayed consequence's changes were folded into the choice's,
    /// so a resignation read as the cost of the choice. Over whole playthroughs, the choice's
    /// changes and its consequences' add up to the decision, and each is reported apart.
    #[test]
    fn consequences_are_reported_apart_from_the_choice() {
        let src = include_str!("../scenarios/burnout.toml");
        let scenario = Arc::new(
            frontline_engine::load("burnout.toml", src)
                .expect("the bundled scenario loads")
                .scenario,
        );
        let mut saw_consequence_with_changes = false;
        for seed in 0..8 {
            let mut state = Rc::new(PlayState::start(scenario.clone(), seed));
            let mut n = seed as usize;
            while !state.session.is_ended() {
                let options: Vec<usize> =
                    state.session.available_choices().map(|(i, _)| i).collect();
                n += 1;
                state = state
                    .clone()
                    .reduce(PlayAction::Choose(options[n % options.len()]));
                let last = state.last.as_ref().expect("last decision");
                let d = state.session.history().last().expect("recorded");
                assert_eq!(last.consequences.len(), d.triggers.len());
                let mut meters = d.meters_before.clone();
                for c in last
                    .changes
                    .iter()
                    .chain(last.consequences.iter().flat_map(|c| &c.changes))
                {
                    let i = scenario
                        .meters
                        .iter()
                        .position(|m| m.label == c.label)
                        .expect("a meter");
                    assert_eq!(meters[i], c.before);
                    meters[i] = c.after;
                }
                assert_eq!(meters, d.meters_after);
                saw_consequence_with_changes |=
                    last.consequences.iter().any(|c| !c.changes.is_empty());
            }
        }
        assert!(
            saw_consequence_with_changes,
            "burnout's triggers move meters on these paths"
        );
    }
}
