//! Checking an opened scenario file, in the loader worker (`assets/open-worker.js` running the
//! `frontline-loader` crate). The app itself never links the TOML parser or the validator: it
//! sends the file's bytes to the worker and gets back either compiled scenario bytes, which it
//! reads with the same `compiled::read` it uses for bundled scenarios, or every problem found.
//!
//! The worker is started on first use and kept for the visit; if it fails (it could not be
//! downloaded, or it crashed) it is dropped and the next check starts a fresh one.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The worker script, relative to the page.
const WORKER_URL: &str = "open-worker.js";

thread_local! {
    static WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

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
    /// The line of the file the report points at ("" if none).
    pub excerpt: String,
}

/// What checking a file came to.
#[derive(Debug, Clone)]
pub enum Checked {
    /// The file is a playable scenario.
    Compiled {
        /// `frontline_engine::compiled` bytes, to register with [`crate::platform::opened`].
        bytes: Vec<u8>,
        /// Warnings about it.
        warnings: Vec<Report>,
    },
    /// The file has errors: every one of them, in file order.
    Rejected(Vec<Report>),
}

/// Checks a scenario file's bytes. `name` is the file name the reports refer to. `Err` is a
/// sentence for the player when the checker itself could not run.
pub async fn check(name: &str, bytes: js_sys::ArrayBuffer) -> Result<Checked, String> {
    let reply = match ask_worker(name, bytes).await {
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
        return Ok(Checked::Compiled {
            bytes: bytes.to_vec(),
            warnings: reports(&get(&reply, "warnings")),
        });
    }
    let list = reports(&get(&reply, "diagnostics"));
    if list.is_empty() {
        return Err("The checker gave an answer Frontline does not understand. Please reload the page and try again.".into());
    }
    Ok(Checked::Rejected(list))
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
    let worker = worker()?;
    let reply = js_sys::Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |event: web_sys::Event| {
            // Stop the browser from also logging the failed script as an uncaught error.
            event.prevent_default();
            let _ = reject.call0(&JsValue::NULL);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    let message = Object::new();
    let _ = Reflect::set(&message, &"name".into(), &JsValue::from_str(name));
    let _ = Reflect::set(&message, &"bytes".into(), &bytes);
    worker
        .post_message_with_transfer(&message, &Array::of1(&bytes))
        .map_err(|_| "The file could not be handed to the checker. Please try again.".to_owned())?;
    JsFuture::from(reply).await.map_err(|_| {
        "The file checker could not be downloaded. Check your connection and try again.".to_owned()
    })
}
