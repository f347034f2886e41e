//! Workshop persistence and sync between the facilitator's windows.
//!
//! The whole workshop (a `frontline_engine::workshop::Workshop`) is kept as JSON in local
//! storage, so either window can be closed and reopened, and is sent to the other windows of
//! the same origin over a `BroadcastChannel` after every change. Nothing leaves the browser.
//! A team's progress on its own device is kept here too. Every browser call is checked: a
//! browser without storage or without `BroadcastChannel` gets a notice, not a crash.

use std::rc::Rc;

use super::storage::local as storage;
use frontline_engine::workshop::Workshop;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

const KEY: &str = "frontline.v1.workshop";
const CHANNEL: &str = "frontline-workshop";

/// The stored workshop: `Ok(None)` when there is none, an error sentence when it is unreadable.
pub fn load() -> Result<Option<Workshop>, String> {
    let Some(raw) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) else {
        return Ok(None);
    };
    Workshop::from_json(&raw)
        .map(Some)
        .map_err(|e| format!("The saved workshop could not be read ({e})."))
}

/// Stores a workshop.
pub fn store(workshop: &Workshop) -> Result<(), String> {
    storage()
        .and_then(|s| s.set_item(KEY, &workshop.to_json()).ok())
        .ok_or_else(|| {
            "This browser is not letting Frontline save the workshop, so a reload will lose it. Export it as a file to keep it.".to_owned()
        })
}

/// Removes the stored workshop.
pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

/// The workshop as this window knows it, and a way to change it for every window.
#[derive(Clone)]
pub struct WorkshopHandle {
    /// The current workshop, or why it could not be loaded.
    pub current: Result<Option<Rc<Workshop>>, String>,
    /// A problem saving or syncing, for a notice.
    pub problem: Option<String>,
    commit: Callback<Workshop>,
    end: Callback<()>,
}

impl WorkshopHandle {
    /// Stores `workshop`, shows it here and sends it to the other windows.
    pub fn commit(&self, workshop: Workshop) {
        self.commit.emit(workshop);
    }

    /// Ends the workshop here and in the other windows (removing it from storage).
    pub fn end(&self) {
        self.end.emit(());
    }
}

/// Loads the workshop, keeps it in step with the other windows and saves every change.
#[hook]
pub fn use_workshop() -> WorkshopHandle {
    let current = use_state(|| load().map(|w| w.map(Rc::new)));
    let problem = use_state(|| None::<String>);
    let channel = use_mut_ref(|| None::<web_sys::BroadcastChannel>);
    {
        let current = current.clone();
        let problem = problem.clone();
        let channel = channel.clone();
        use_effect_with((), move |_| {
            let mut listener = None;
            match web_sys::BroadcastChannel::new(CHANNEL) {
                Ok(ch) => {
                    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                        move |e: web_sys::MessageEvent| {
                            let Some(text) = e.data().as_string() else {
                                return;
                            };
                            match Workshop::from_json(&text) {
                                Ok(w) => current.set(Ok(Some(Rc::new(w)))),
                                // Another window started over or ended the workshop.
                                Err(_) if text.is_empty() => current.set(Ok(None)),
                                Err(_) => {}
                            }
                        },
                    );
                    ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                    listener = Some(on_message);
                    *channel.borrow_mut() = Some(ch);
                }
                Err(_) => problem.set(Some(
                    "This browser cannot keep the console and the projector in step; reload the other window after each change.".into(),
                )),
            }
            move || {
                if let Some(ch) = channel.borrow_mut().take() {
                    ch.set_onmessage(None);
                    ch.close();
                }
                drop(listener);
            }
        });
    }
    let commit = {
        let current = current.clone();
        let problem = problem.clone();
        let channel = channel.clone();
        Callback::from(move |workshop: Workshop| {
            if let Err(message) = store(&workshop) {
                problem.set(Some(message));
            }
            if let Some(ch) = channel.borrow().as_ref() {
                let _ = ch.post_message(&workshop.to_json().into());
            }
            current.set(Ok(Some(Rc::new(workshop))));
        })
    };
    let end = {
        let current = current.clone();
        let channel = channel.clone();
        Callback::from(move |()| {
            forget();
            if let Some(ch) = channel.borrow().as_ref() {
                let _ = ch.post_message(&"".into());
            }
            current.set(Ok(None));
        })
    };
    WorkshopHandle {
        current: (*current).clone(),
        problem: (*problem).clone(),
        commit,
        end,
    }
}

/// A team's progress on its own device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSave {
    /// The team's name.
    pub name: String,
    /// The engine session code of its playthrough so far.
    pub code: String,
}

fn team_key(scenario: &str, seed_code: &str) -> String {
    format!("frontline.v1.team.{scenario}.{seed_code}")
}

/// The team's saved progress for a scenario and session code, if any and readable.
pub fn team_load(scenario: &str, seed_code: &str) -> Option<TeamSave> {
    let raw = storage()?.get_item(&team_key(scenario, seed_code)).ok()??;
    serde_json::from_str(&raw).ok()
}

/// Saves a team's progress; false if the browser refused.
pub fn team_store(scenario: &str, seed_code: &str, save: &TeamSave) -> bool {
    let Ok(text) = serde_json::to_string(save) else {
        return false;
    };
    storage().is_some_and(|s| s.set_item(&team_key(scenario, seed_code), &text).is_ok())
}

/// Forgets a team's progress.
pub fn team_forget(scenario: &str, seed_code: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&team_key(scenario, seed_code));
    }
}
