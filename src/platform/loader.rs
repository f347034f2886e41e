//! Checking an opened scenario file, in the loader worker (`assets/open-worker.js` running the
//! `frontline-loader` crate). The app itself never links the TOML parser or the validator: it
//! sends the file's bytes to the worker and gets back either compiled scenario bytes, which it
//! reads with the same `compiled::read` it uses for bundled scenarios, or every problem found.
//!
//! The worker is started on first use and kept for the visit; if it fails (it could not be
//! downloaded, or it crashed) it is dropped and the next check starts a fresh one. One file
//! is checked at a time: a check asked for while another is still running terminates the
//! busy worker (the older check ends as superseded) and starts a fresh one, so the newer file
//! never waits behind the older. Each request carries an id that the worker echoes, and a
//! reply is taken only by the request with its id.
//!
//! Why not gloo-worker (0.5.0, the version yew 0.23's gloo links), which pairs replies with
//! requests too: its `spawn` starts the worker from a `blob:` URL, which the
//! Content-Security-Policy (`script-src 'self'`, so no `blob:` workers) refuses, and
//! `spawn_with_loader` ends in `expect("failed to spawn worker")`, a panic that would kill
//! the app; neither listens for the worker's `error` event, so a worker script that cannot be
//! downloaded (offline, a 404) would leave the open page waiting for ever instead of saying so
//! (open.spec.js checks the message); and its codecs `expect` every message to decode (the
//! default links bincode into the first-play module as well). The bridge below is the part of
//! it we need, with each of those failures a message.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The worker script, relative to the page.
const WORKER_URL: &str = "open-worker.js";

thread_local! {
    static WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
    /// The request being checked: its id, and how to end its wait as superseded.
    static PENDING: RefCell<Option<(u32, js_sys::Function)>> = const { RefCell::new(None) };
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The value a superseded request's wait ends with.
const SUPERSEDED: &str = "superseded";

/// One problem or warning in a file, as the loader reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// An error (the file cannot be played) rather than a warning.
    pub error: bool,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// What is wrong (the engine's wording: lower-case, no trailing period).
    pub message: String,
    /// The part of the line the report points at ("" if none), at most a few hundred
    /// characters around the column.
    pub excerpt: String,
    /// The column's place in `excerpt` (1-based, in characters).
    pub mark: u32,
}

/// What checking a file came to.
#[derive(Debug, Clone)]
pub enum Checked {
    /// The file is a playable scenario.
    Compiled {
        /// `frontline_engine::compiled` bytes, to register with [`crate::platform::opened`].
        bytes: Vec<u8>,
        /// The first few hundred warnings about it.
        warnings: Vec<Report>,
        /// How many warnings there are in all.
        warning_count: usize,
    },
    /// The file has errors.
    Rejected {
        /// The first few hundred problems, in file order.
        reports: Vec<Report>,
        /// How many errors there are in all.
        errors: usize,
        /// How many warnings there are in all.
        warnings: usize,
    },
    /// A newer check was asked for before this one finished; its result is not wanted.
    Superseded,
}

/// Checks a scenario file's bytes. `name` is the file name the reports refer to. `Err` is a
/// sentence for the player when the checker itself could not run.
pub async fn check(name: &str, bytes: js_sys::ArrayBuffer) -> Result<Checked, String> {
    let reply = match ask_worker(name, bytes).await {
        Ok(reply) if reply.as_string().as_deref() == Some(SUPERSEDED) => {
            // Its worker is gone already, and the current one belongs to the newer check.
            return Ok(Checked::Superseded);
        }
        Ok(reply) => reply,
        Err(e) => {
            // A worker that failed once is not trusted again.
            drop_worker();
            return Err(e);
        }
    };
    if let Some(failed) = get(&reply, "failed").as_string() {
        drop_worker();
        return Err(format!(
            "The file could not be checked because the checker stopped ({failed}). Please try again."
        ));
    }
    if let Ok(bytes) = get(&reply, "compiled").dyn_into::<Uint8Array>() {
        let warnings = reports(&get(&reply, "warnings"));
        return Ok(Checked::Compiled {
            bytes: bytes.to_vec(),
            warning_count: count(&reply, "warningCount", warnings.len()),
            warnings,
        });
    }
    let list = reports(&get(&reply, "diagnostics"));
    if list.is_empty() {
        return Err("The checker gave an answer Frontline does not understand. Please reload the page and try again.".into());
    }
    let shown_errors = list.iter().filter(|r| r.error).count();
    Ok(Checked::Rejected {
        errors: count(&reply, "errorCount", shown_errors),
        warnings: count(&reply, "warningCount", list.len() - shown_errors),
        reports: list,
    })
}

/// A count in a reply, never below what was sent.
fn count(reply: &JsValue, key: &str, at_least: usize) -> usize {
    let n = get(reply, key).as_f64().unwrap_or(0.0);
    // A float from the worker: only whole, finite, non-negative counts are taken.
    if n.is_finite() && n >= 0.0 && n <= u32::MAX as f64 {
        (n as usize).max(at_least)
    } else {
        at_least
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn reports(list: &JsValue) -> Vec<Report> {
    let Some(list) = list.dyn_ref::<Array>() else {
        return Vec::new();
    };
    list.iter()
        .map(|r| Report {
            error: get(&r, "severity").as_string().as_deref() != Some("warning"),
            line: get(&r, "line").as_f64().unwrap_or(1.0) as u32,
            col: get(&r, "col").as_f64().unwrap_or(1.0) as u32,
            message: get(&r, "message").as_string().unwrap_or_default(),
            excerpt: get(&r, "excerpt").as_string().unwrap_or_default(),
            mark: get(&r, "mark").as_f64().unwrap_or(1.0) as u32,
        })
        .collect()
}

fn drop_worker() {
    if let Some(worker) = WORKER.with(|w| w.borrow_mut().take()) {
        worker.terminate();
    }
}

fn worker() -> Result<web_sys::Worker, String> {
    if let Some(worker) = WORKER.with(|w| w.borrow().clone()) {
        return Ok(worker);
    }
    let worker = web_sys::Worker::new(WORKER_URL).map_err(|_| {
        "This browser could not start the file checker (it needs Web Workers).".to_owned()
    })?;
    WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));
    Ok(worker)
}

async fn ask_worker(name: &str, bytes: js_sys::ArrayBuffer) -> Result<JsValue, String> {
    // A check still running is superseded: its worker is stopped mid-file, and its wait ends.
    if let Some((_, supersede)) = PENDING.with(|p| p.borrow_mut().take()) {
        drop_worker();
        let _ = supersede.call1(&JsValue::NULL, &JsValue::from_str(SUPERSEDED));
    }
    let worker = worker()?;
    let id = NEXT_ID.with(|n| {
        let id = n.get().wrapping_add(1);
        n.set(id);
        id
    });
    let reply = js_sys::Promise::new(&mut |resolve, reject| {
        PENDING.with(|p| *p.borrow_mut() = Some((id, resolve.clone())));
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                // Only this request's reply; anything else is from a request gone by.
                if get(&event.data(), "id").as_f64() == Some(f64::from(id)) {
                    let _ = resolve.call1(&JsValue::NULL, &event.data());
                }
            },
        )
        .into_js_value();
        let on_error = Closure::once_into_js(move |event: web_sys::Event| {
            // Stop the browser from also logging the failed script as an uncaught error.
            event.prevent_default();
            let _ = reject.call0(&JsValue::NULL);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    let message = Object::new();
    let _ = Reflect::set(&message, &"id".into(), &JsValue::from_f64(f64::from(id)));
    let _ = Reflect::set(&message, &"name".into(), &JsValue::from_str(name));
    let _ = Reflect::set(&message, &"bytes".into(), &bytes);
    worker
        .post_message_with_transfer(&message, &Array::of1(&bytes))
        .map_err(|_| "The file could not be handed to the checker. Please try again.".to_owned())?;
    let reply = JsFuture::from(reply).await;
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_ref().is_some_and(|(pending, _)| *pending == id) {
            *p = None;
        }
    });
    reply.map_err(|_| {
        "The file checker could not be downloaded. Check your connection and try again.".to_owned()
    })
}
