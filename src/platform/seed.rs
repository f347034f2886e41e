//! Fresh seeds for new sessions. The only place the app asks for randomness: everything after
//! the seed is the engine's deterministic generator.

use rand::TryRng as _;
use rand::rngs::SysRng;

/// A random seed from the platform's secure generator (rand's `SysRng`, through getrandom's
/// `wasm_js` backend in the browser), or the clock if that is unavailable.
pub fn fresh_seed() -> u64 {
    SysRng.try_next_u64().unwrap_or_else(|_| {
        // The clock is a poor source, but a seed only has to differ between playthroughs.
        (js_now() * 1000.0) as u64
    })
}

#[cfg(target_arch = "wasm32")]
fn js_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.time_origin() + p.now())
}

#[cfg(not(target_arch = "wasm32"))]
fn js_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
