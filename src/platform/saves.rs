//! Saved sessions in the browser's local storage: one session code per scenario, written after
//! every decision so that reloading resumes exactly where the player was.
//!
//! A save is only ever the engine's session code (see `frontline_engine::code`), so a corrupt,
//! tampered or outdated save is detected by decoding it; the caller discards it and tells the
//! player why. Storage is reached through [`super::storage`], which checks every step.

use std::sync::Arc;

use frontline_engine::{Scenario, Session, code};

const PREFIX: &str = "frontline.v1.save.";

/// The storage key for a scenario's save.
pub fn key(scenario_id: &str) -> String {
    format!("{PREFIX}{scenario_id}")
}

/// Why a save could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveProblem {
    /// Storage is blocked or full; progress will not survive a reload.
    Unavailable,
    /// The save was unreadable or did not fit the scenario; it has been removed.
    Discarded(String),
}

impl SaveProblem {
    /// A sentence for the notice shown to the player.
    pub fn message(&self) -> String {
        match self {
            SaveProblem::Unavailable => {
                "This browser is not letting Frontline save your progress, so a reload will start the scenario again.".into()
            }
            SaveProblem::Discarded(why) => {
                format!("Your saved progress could not be restored ({why}), so the scenario starts again from the beginning.")
            }
        }
    }
}

/// Restores the saved session for a scenario. `Ok(None)` when there is no save.
pub fn restore(scenario: &Arc<Scenario>) -> Result<Option<Session>, SaveProblem> {
    let key = key(&scenario.meta.id);
    let Some(raw) = read_raw(&key) else {
        return Ok(None);
    };
    match code::decode(&raw, scenario.clone()) {
        Ok(session) => Ok(Some(session)),
        Err(e) => {
            remove(&key);
            Err(SaveProblem::Discarded(e.to_string()))
        }
    }
}

/// Saves a session.
pub fn save(session: &Session) -> Result<(), SaveProblem> {
    let key = key(&session.scenario().meta.id);
    if super::storage::write(&key, &code::encode(session)) {
        Ok(())
    } else {
        Err(SaveProblem::Unavailable)
    }
}

/// Removes a scenario's save.
pub fn clear(scenario_id: &str) {
    remove(&key(scenario_id));
}

/// Whether a scenario has a save that looks resumable: intact, for this scenario and for its
/// current version. (Whether its choices still fit is only known when it is replayed.)
pub fn resumable(scenario_id: &str, version: u32) -> bool {
    read_raw(&key(scenario_id))
        .and_then(|raw| code::parts(&raw).ok())
        .is_some_and(|p| p.scenario == scenario_id && p.version == version)
}

/// The saved session code for a scenario, unchecked, if there is one.
pub fn raw(scenario_id: &str) -> Option<String> {
    read_raw(&key(scenario_id))
}

pub(crate) use super::storage::{local as storage, read as read_raw, remove};
