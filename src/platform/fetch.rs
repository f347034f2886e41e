//! Fetches a bundled scenario's compiled file (`scenarios/ID.flc`, relative to the page) the
//! first time it is played, and keeps it for the rest of the visit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use frontline_engine::{Scenario, compiled};
use wasm_bindgen::JsCast;

use crate::components::rich_text;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static CACHE: RefCell<HashMap<String, Arc<Scenario>>> = RefCell::new(HashMap::new());
}

/// The scenario if it was fetched earlier in this visit, or was opened from a file or link
/// (see [`crate::platform::opened`]).
pub fn cached(id: &str) -> Option<Arc<Scenario>> {
    CACHE
        .with(|c| c.borrow().get(id).cloned())
        .or_else(|| crate::platform::opened::scenario(id))
}

/// Fetches and reads a scenario. Errors are sentences for the player.
pub async fn scenario(id: &str) -> Result<Arc<Scenario>, String> {
    if let Some(s) = cached(id) {
        return Ok(s);
    }
    let bytes = download(&format!("scenarios/{id}.flc")).await?;
    let (scenario, texts) = compiled::read_with_texts(&bytes)
        .map_err(|e| format!("The scenario file is unusable: {e}."))?;
    let scenario = Arc::new(scenario);
    if scenario.meta.id != id {
        return Err("The scenario file belongs to another scenario.".into());
    }
    rich_text::register(texts);
    CACHE.with(|c| c.borrow_mut().insert(id.to_owned(), scenario.clone()));
    Ok(scenario)
}

async fn download(url: &str) -> Result<Vec<u8>, String> {
    let offline =
        || "The scenario could not be downloaded. Check your connection and try again.".to_owned();
    let window = web_sys::window().ok_or_else(offline)?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| offline())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| offline())?;
    if !response.ok() {
        return Err(format!(
            "The scenario could not be downloaded (the server answered {}).",
            response.status()
        ));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| offline())?)
        .await
        .map_err(|_| offline())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
