//! The play reducer: an engine session plus what the screen needs to explain the last
//! decision. Pure: no browser calls, so it is tested natively.

use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::debrief::Chance;
use frontline_engine::scenario::Next;
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
    /// Texts of delayed consequences that fired.
    pub consequences: Vec<String>,
    /// Net meter changes, in meter order.
    pub changes: Vec<MeterChange>,
}

impl LastDecision {
    /// A sentence for screen readers, e.g. "Team morale fell by 8 to 54."
    pub fn announcement(&self) -> String {
        let mut parts: Vec<String> = self
            .changes
            .iter()
            .map(|c| {
                let diff = c.after - c.before;
                let verb = if diff > 0 { "rose" } else { "fell" };
                format!("{} {verb} by {} to {}.", c.label, diff.abs(), c.after)
            })
            .collect();
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
        // The engine's decision record already holds what the panel needs: the choice, the
        // outcome drawn, the triggers fired and the meters before and after.
        let scenario = session.scenario().clone();
        let Some(decision) = session.history().last() else {
            return self.with_error("the decision was not recorded".into());
        };
        let choice = &scenario.scene(decision.scene).choices()[decision.choice];
        let chance = match (&choice.next, decision.outcome) {
            (Next::Chance(outcomes), Some(o)) => outcomes.get(o).map(|o| o.text.clone()),
            _ => None,
        };
        let consequences = decision
            .triggers
            .iter()
            .map(|t| scenario.triggers[t.0].text.clone())
            .collect();
        let changes = scenario
            .meters
            .iter()
            .zip(decision.meters_before.iter().zip(&decision.meters_after))
            .filter(|(_, (before, after))| before != after)
            .map(|(m, (&before, &after))| MeterChange {
                label: m.label.clone(),
                before,
                after,
            })
            .collect();
        let last = LastDecision {
            choice: rich_text::plain(&choice.text),
            feedback: choice.feedback.clone(),
            chance,
            odds,
            consequences,
            changes,
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
        let last = LastDecision {
            choice: "x".into(),
            feedback: None,
            chance: None,
            odds: None,
            consequences: vec![],
            changes: vec![
                MeterChange {
                    label: "Team morale".into(),
                    before: 62,
                    after: 54,
                },
                MeterChange {
                    label: "Customer satisfaction".into(),
                    before: 50,
                    after: 55,
                },
            ],
        };
        assert_eq!(
            last.announcement(),
            "Team morale fell by 8 to 54. Customer satisfaction rose by 5 to 55."
        );
    }
}
