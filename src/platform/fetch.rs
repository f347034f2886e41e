//! Fetches a bundled scenario's compiled file (`scenarios/ID.flc`, relative to the page) the
//! first time it is played, and keeps it for the rest of the visit. When the page was opened
//! on a play route, boot.js has already started that download (see [`preloaded`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use frontline_engine::{Scenario, compiled};
use gloo_net::http::Request;
use wasm_bindgen::JsCast;

use wasm_bindgen_futures::JsFuture;

thread_local! {
    static CACHE: RefCell<HashMap<String, Arc<Scenario>>> = RefCell::new(HashMap::new());
}

/// The scenario if it was fetched earlier in this visit, was opened from a file or link
/// (see [`crate::platform::opened`]), or has arrived from boot.js's download.
pub fn cached(id: &str) -> Option<Arc<Scenario>> {
    CACHE
        .with(|c| c.borrow().get(id).cloned())
        .or_else(|| crate::platform::opened::scenario(id))
        .or_else(|| {
            let bytes = preloaded(id, false)?.arrived?;
            // A file that cannot be read is downloaded again by `scenario`, which says why.
            read(id, &bytes).ok()
        })
}

/// Fetches and reads a scenario. Errors are sentences for the player.
pub async fn scenario(id: &str) -> Result<Arc<Scenario>, String> {
    if let Some(s) = cached(id) {
        return Ok(s);
    }
    // boot.js's download when there is one; the network when there is none or it failed.
    let from_boot = match preloaded(id, true) {
        Some(preload) => JsFuture::from(preload.bytes)
            .await
            .ok()
            .and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|a| a.to_vec()),
        None => None,
    };
    let bytes = match from_boot {
        Some(bytes) => bytes,
        None => download(&format!("scenarios/{id}.flc")).await?,
    };
    read(id, &bytes)
}

/// Reads a downloaded scenario file and keeps it for the visit.
fn read(id: &str, bytes: &[u8]) -> Result<Arc<Scenario>, String> {
    let (scenario, texts) = compiled::read_with_texts(bytes)
        .map_err(|e| format!("The scenario file is unusable: {e}."))?;
    let scenario = Arc::new(scenario);
    if scenario.meta.id != id {
        return Err("The scenario file belongs to another scenario.".into());
    }
    crate::texts::register(texts);
    crate::platform::what_ifs::keep(id, bytes);
    CACHE.with(|c| c.borrow_mut().insert(id.to_owned(), scenario.clone()));
    Ok(scenario)
}

/// Waits, at most `limit_ms`, for boot.js's download of the page's scenario when it has not
/// arrived yet, so that the app's first page is the scene itself rather than a loading page
/// replaced a moment later. Returns at once when there is no such download.
pub async fn settle_preload(limit_ms: i32) {
    let Some(bytes) = boot_download().and_then(|p| field(&p, "bytes")?.dyn_into().ok()) else {
        return;
    };
    let timeout = js_sys::Promise::new(&mut |resolve, _| {
        crate::platform::clock::set_timeout(limit_ms, move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
    });
    let _ = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&bytes, &timeout))).await;
}

/// The global through which boot.js hands over its download.
const PRELOAD: &str = "frontlinePreload";

/// The object boot.js left in [`PRELOAD`], if any.
fn boot_download() -> Option<wasm_bindgen::JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &PRELOAD.into())
        .ok()
        .filter(wasm_bindgen::JsValue::is_object)
}

/// A field of that object.
fn field(object: &wasm_bindgen::JsValue, name: &str) -> Option<wasm_bindgen::JsValue> {
    js_sys::Reflect::get(object, &name.into()).ok()
}

/// boot.js's download of the scenario of the route the page was opened on (assets/boot.js).
struct Preload {
    /// The file, if it has arrived.
    arrived: Option<Vec<u8>>,
    /// Resolves with the file as a `Uint8Array`, or null when the download failed.
    bytes: js_sys::Promise,
}

/// boot.js's download, if it is of `id` and, unless `pending` is allowed, has arrived. Taken
/// once: later requests use the cache or the network.
fn preloaded(id: &str, pending: bool) -> Option<Preload> {
    let preload = boot_download()?;
    if field(&preload, "id")?.as_string()? != id {
        return None;
    }
    let bytes = field(&preload, "bytes")?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let arrived = field(&preload, "arrived")?
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|a| a.to_vec());
    if arrived.is_none() && !pending {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&js_sys::global(), &PRELOAD.into());
    Some(Preload { arrived, bytes })
}

async fn download(url: &str) -> Result<Vec<u8>, String> {
    let offline =
        || "The scenario could not be downloaded. Check your connection and try again.".to_owned();
    let response = Request::get(url).send().await.map_err(|_| offline())?;
    if !response.ok() {
        return Err(format!(
            "The scenario could not be downloaded (the server answered {}).",
            response.status()
        ));
    }
    response.binary().await.map_err(|_| offline())
}
