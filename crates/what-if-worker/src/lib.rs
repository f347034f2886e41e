//! The debrief's what-if search, off the page's main thread.
//!
//! `frontline_engine::debrief::what_ifs` searches every line of play after each decision;
//! for the bigger bundled scenarios that takes 50-110 ms in the browser (250-350 ms with a
//! 4x slower CPU), long enough to stall the page. This crate is built by Trunk as its own
//! small WebAssembly file that `assets/what-if-worker.js` runs in a Web Worker, fetched when
//! the first debrief is shown. The app (`src/platform/what_ifs.rs`) sends the compiled
//! scenario, the seed and the choices made, and gets back the what-ifs as postcard bytes,
//! which it checks with `debrief::what_ifs_fit` before it shows them.
//!
//! [`search`] is plain Rust (tested natively); [`wasm::what_ifs`] is the worker's entry point.

use std::cell::RefCell;
use std::sync::Arc;

use frontline_engine::{Scenario, Session, compiled, debrief};

thread_local! {
    /// The last scenario read, with its bytes: a player replaying a debrief asks again for
    /// the same scenario.
    static LAST: RefCell<Option<(Vec<u8>, Arc<Scenario>)>> = const { RefCell::new(None) };
}

/// The what-ifs of the session that the seed and the choices (indexes, in order) make in the
/// compiled scenario, as postcard bytes of `Vec<WhatIf>`. `Err` says what was wrong.
pub fn search(scenario: &[u8], seed: u64, choices: &[usize]) -> Result<Vec<u8>, String> {
    let known = LAST.with(|l| {
        l.borrow()
            .as_ref()
            .filter(|(bytes, _)| bytes == scenario)
            .map(|(_, s)| s.clone())
    });
    let scenario = match known {
        Some(s) => s,
        None => {
            let s = Arc::new(compiled::read(scenario).map_err(|e| e.to_string())?);
            LAST.with(|l| *l.borrow_mut() = Some((scenario.to_vec(), s.clone())));
            s
        }
    };
    let session = Session::replay_indexes(scenario, seed, choices)
        .map_err(|(n, e)| format!("decision {} does not replay: {e}", n + 1))?;
    postcard::to_allocvec(&debrief::what_ifs(&session)).map_err(|e| e.to_string())
}

/// The worker's entry point.
#[cfg(target_arch = "wasm32")]
pub mod wasm {
    use wasm_bindgen::prelude::*;

    /// [`super::search`] for JavaScript: the seed as a decimal string (a `u64` does not fit
    /// a JavaScript number), the choices as a `Uint32Array`; throws the error's text.
    #[wasm_bindgen]
    pub fn what_ifs(scenario: &[u8], seed: &str, choices: &[u32]) -> Result<Vec<u8>, JsValue> {
        let seed: u64 = seed
            .parse()
            .map_err(|_| JsValue::from_str("the seed is not a number"))?;
        let choices: Vec<usize> = choices.iter().map(|&c| c as usize).collect();
        super::search(scenario, seed, &choices).map_err(|e| JsValue::from_str(&e))
    }
}

#[cfg(test)]
mod tests {
    use frontline_engine::debrief::{WhatIf, what_ifs, what_ifs_fit};

    use super::*;

    fn scenario(name: &str) -> Scenario {
        let path = format!("{}/../../scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).expect("bundled scenario");
        frontline_engine::load(&path, &src).expect("loads").scenario
    }

    #[test]
    fn the_worker_finds_what_the_page_would() {
        let sc = scenario("escalation");
        let bytes = compiled::compile(&sc);
        let sc = Arc::new(sc);
        let mut s = Session::new(sc.clone(), 11);
        while !s.is_ended() {
            let (i, _) = s.available_choices().last().expect("a choice");
            s.choose_index(i).expect("available");
        }
        let choices: Vec<usize> = s.history().iter().map(|d| d.choice).collect();
        for _ in 0..2 {
            // The second time from the remembered scenario.
            let reply = search(&bytes, s.seed(), &choices).expect("searches");
            let found: Vec<WhatIf> = postcard::from_bytes(&reply).expect("reads");
            assert_eq!(found, what_ifs(&s));
            assert!(what_ifs_fit(&s, &found));
        }
    }

    #[test]
    fn bad_requests_are_errors() {
        let bytes = compiled::compile(&scenario("escalation"));
        assert!(search(b"not a scenario", 1, &[]).is_err());
        let err = search(&bytes, 1, &[99]).expect_err("no such choice");
        assert!(err.starts_with("decision 1 does not replay"), "{err}");
        // No decisions: no what-ifs.
        let none: Vec<WhatIf> =
            postcard::from_bytes(&search(&bytes, 1, &[]).expect("searches")).expect("reads");
        assert!(none.is_empty());
    }
}
