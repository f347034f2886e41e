//! Scenarios opened from a file or a link (the `#/open` page), so the normal play page can
//! play them.
//!
//! An opened scenario gets the id `opened-ID` (its own id with a prefix) and is played at
//! `#/play/opened-ID`, so it never mixes with a bundled scenario of the same id: not in the
//! route, not in its save. Its compiled bytes are kept in local storage (the five most recently
//! opened), so a reload in the middle of play resumes instead of losing the scenario; if
//! storage is blocked or full it still plays for the rest of the visit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use frontline_engine::{Scenario, compiled};

use super::storage::local as storage;
use crate::platform::saves;

/// The id prefix of opened scenarios.
pub const PREFIX: &str = "opened-";
/// How many opened scenarios local storage keeps.
const KEEP: usize = 5;
const INDEX_KEY: &str = "frontline.v1.opened";
const ITEM_PREFIX: &str = "frontline.v1.opened.";

thread_local! {
    static OPENED: RefCell<HashMap<String, Arc<Scenario>>> = RefCell::new(HashMap::new());
}

/// The play id of an opened scenario whose own id is `scenario_id`.
pub fn play_id(scenario_id: &str) -> String {
    format!("{PREFIX}{scenario_id}")
}

/// Whether an id names an opened scenario.
pub fn is_opened(id: &str) -> bool {
    id.starts_with(PREFIX)
}

/// Registers a freshly opened scenario from its compiled bytes, starting it from the beginning
/// (any earlier progress in a scenario opened under the same id is cleared). Returns the
/// scenario as the play page will see it and whether it was kept for later visits.
pub fn register(bytes: &[u8]) -> Result<(Arc<Scenario>, bool), String> {
    let scenario = decode(bytes)?;
    let id = scenario.meta.id.clone();
    saves::clear(&id);
    OPENED.with(|o| o.borrow_mut().insert(id.clone(), scenario.clone()));
    Ok((scenario, keep(&id, bytes)))
}

/// The opened scenario with this play id, from this visit or from storage.
pub fn scenario(id: &str) -> Option<Arc<Scenario>> {
    if !is_opened(id) {
        return None;
    }
    if let Some(s) = OPENED.with(|o| o.borrow().get(id).cloned()) {
        return Some(s);
    }
    let stored = storage()?.get_item(&format!("{ITEM_PREFIX}{id}")).ok()??;
    let scenario = STANDARD
        .decode(stored)
        .ok()
        .and_then(|bytes| decode(&bytes).ok())
        .filter(|s| s.meta.id == id)?;
    OPENED.with(|o| o.borrow_mut().insert(id.to_owned(), scenario.clone()));
    Some(scenario)
}

/// Reads compiled bytes and gives the scenario its opened id.
fn decode(bytes: &[u8]) -> Result<Arc<Scenario>, String> {
    let (mut scenario, texts) = compiled::read_with_texts(bytes)
        .map_err(|e| format!("The checked scenario could not be read ({e})."))?;
    crate::texts::register(texts);
    scenario.meta.id = play_id(&scenario.meta.id);
    crate::platform::what_ifs::keep(&scenario.meta.id, bytes);
    Ok(Arc::new(scenario))
}

/// Stores the bytes under the id, most recent first, forgetting the oldest beyond [`KEEP`].
fn keep(id: &str, bytes: &[u8]) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    let mut ids: Vec<String> = storage
        .get_item(INDEX_KEY)
        .ok()
        .flatten()
        .map(|list| {
            list.split(' ')
                .filter(|s| is_opened(s) && *s != id)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    ids.insert(0, id.to_owned());
    for old in ids.drain(KEEP.min(ids.len())..) {
        let _ = storage.remove_item(&format!("{ITEM_PREFIX}{old}"));
        saves::clear(&old);
    }
    storage
        .set_item(&format!("{ITEM_PREFIX}{id}"), &STANDARD.encode(bytes))
        .and_then(|()| storage.set_item(INDEX_KEY, &ids.join(" ")))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opened_ids_are_prefixed_and_valid_session_code_ids() {
        let id = play_id("stretch-target");
        assert_eq!(id, "opened-stretch-target");
        assert!(is_opened(&id));
        assert!(!is_opened("stretch-target"));
        // Saves are session codes, whose ids allow only lower-case letters, digits and '-'.
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        );
    }
}
