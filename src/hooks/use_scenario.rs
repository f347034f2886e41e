//! Fetching a scenario for a page: loading, ready, or failed with a retry. Bundled scenarios
//! are downloaded; scenarios opened from a file or link are found in the browser's copy.

use std::sync::Arc;

use frontline_engine::Scenario;
use yew::prelude::*;

use crate::catalog;
use crate::platform::fetch;

/// Where fetching a scenario stands.
#[derive(Clone)]
pub enum ScenarioFetch {
    /// Not known in this library.
    Unknown,
    /// On its way.
    Loading,
    /// Ready to play.
    Ready(Arc<Scenario>),
    /// The download or the file failed; a sentence for the player.
    Failed(String),
}

/// What [`use_scenario`] returns.
pub struct UseScenario {
    /// The fetch's state.
    pub state: ScenarioFetch,
    /// Tries a failed fetch again.
    pub retry: Callback<MouseEvent>,
}

/// Fetches the bundled scenario `id` (at once from the cache when it was fetched before).
#[hook]
pub fn use_scenario(id: &str) -> UseScenario {
    let id = id.to_owned();
    let state = use_state({
        let id = id.clone();
        move || fetch::cached(&id).map_or(ScenarioFetch::Loading, ScenarioFetch::Ready)
    });
    let attempt = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((id.clone(), *attempt), move |(id, _)| {
            if catalog::find(id).is_some()
                && !matches!(*state, ScenarioFetch::Ready(ref s) if s.meta.id == *id)
            {
                let id = id.clone();
                state.set(ScenarioFetch::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    state.set(match fetch::scenario(&id).await {
                        Ok(s) => ScenarioFetch::Ready(s),
                        Err(message) => ScenarioFetch::Failed(message),
                    });
                });
            }
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
    };
    let current = match &*state {
        // Opened scenarios (from a file or link) are already in the cache, or gone.
        _ if catalog::find(&id).is_none() => {
            fetch::cached(&id).map_or(ScenarioFetch::Unknown, ScenarioFetch::Ready)
        }
        ScenarioFetch::Ready(s) if s.meta.id != id => ScenarioFetch::Loading,
        other => other.clone(),
    };
    UseScenario {
        state: current,
        retry,
    }
}
