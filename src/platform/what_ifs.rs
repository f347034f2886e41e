//! The debrief's what-ifs, searched in a Web Worker (`assets/what-if-worker.js` running the
//! `frontline-what-ifs` crate) so that the page stays responsive: the search takes 50-110 ms
//! for the bigger bundled scenarios (250-350 ms on a 4x slower CPU), far more than a frame.
//!
//! The worker is started after the first decision ([`warm_up`]) or when the first debrief
//! asks, and kept for the visit. Each request
//! carries an id, and its reply the same id, so a reply always reaches the request it answers;
//! a reply nobody waits for any more (it came after [`REPLY_LIMIT_MS`]) is dropped. When the
//! worker cannot help (no Web Workers, its files did not load, it failed, it took too long, or
//! its reply does not fit the session) the page searches on its own thread instead, and a
//! worker that failed is dropped, so the next debrief starts a fresh one.
//!
//! The worker needs the scenario's compiled bytes: [`keep`] is given them when a scenario is
//! read (`fetch.rs`, `opened.rs`), as a JavaScript array outside the wasm memory.
//! Both ways are timed as performance measures: `frontline:what-ifs-worker` (request to
//! reply) and `frontline:what-ifs` (a search on the page).
//!
//! The bridge is our own rather than gloo-worker's for the reasons given in `loader.rs`: a
//! `blob:` worker that the Content-Security-Policy refuses, a panic when a worker cannot be
//! made, no `error` event (so no fallback to the page's own search), and codecs that panic.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use frontline_engine::Session;
use frontline_engine::debrief::{self, WhatIf};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::clock::{set_timeout, timed};

/// The worker script, relative to the page.
const WORKER_URL: &str = "what-if-worker.js";

/// How long a reply may take before the page searches on its own (the worker, which may be
/// stuck, is stopped). The slowest search measured takes a third of a second at 4x.
pub const REPLY_LIMIT_MS: i32 = 15_000;

/// Requests waiting for their reply: each one's id and the function that resolves its
/// promise (a list: there are hardly ever two).
type Pending = Rc<RefCell<Vec<(u32, Function)>>>;

/// Takes the request `id` from the waiting ones, if it is still waiting.
fn take(pending: &Pending, id: u32) -> Option<Function> {
    let mut pending = pending.borrow_mut();
    let at = pending.iter().position(|(i, _)| *i == id)?;
    Some(pending.swap_remove(at).1)
}

/// A running worker and the requests it has not answered yet.
struct Channel {
    worker: web_sys::Worker,
    pending: Pending,
}

thread_local! {
    /// Compiled scenario bytes by the id each scenario is played as.
    static BYTES: RefCell<Vec<(String, Uint8Array)>> = const { RefCell::new(Vec::new()) };
    static WORKER: RefCell<Option<Rc<Channel>>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Keeps a scenario's compiled bytes for the worker, under the id it is played as.
pub fn keep(id: &str, bytes: &[u8]) {
    let copy = Uint8Array::from(bytes);
    BYTES.with(|b| {
        let mut b = b.borrow_mut();
        b.retain(|(kept, _)| kept != id);
        b.push((id.to_owned(), copy));
    });
}

/// Starts the worker ahead of the debrief, so that its download and start-up (60-80 ms) are
/// over when the what-ifs are asked for. The play page calls it after the first decision's
/// frame, never for the first scene, which stays the first download's last request.
pub fn warm_up() {
    if WORKER.with(|w| w.borrow().is_none()) {
        let _ = channel();
    }
}

/// The what-ifs of a session: searched by the worker, or on the page when the worker cannot
/// answer (see the module's documentation).
pub async fn search(session: &Session) -> Vec<WhatIf> {
    match ask(session).await {
        Some(found) => found,
        None => timed("frontline:what-ifs", || debrief::what_ifs(session)),
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Resolves every waiting request with nothing, so each falls back to the page.
fn release(pending: &Pending) {
    let waiting: Vec<(u32, Function)> = pending.borrow_mut().drain(..).collect();
    for (_, resolve) in waiting {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::UNDEFINED);
    }
}

/// Stops the worker, if it is still `channel`, and releases its waiting requests.
fn drop_worker(channel: &Rc<Channel>) {
    let current = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.as_ref().is_some_and(|c| Rc::ptr_eq(c, channel)) {
            w.take()
        } else {
            None
        }
    });
    if let Some(c) = current {
        c.worker.terminate();
    }
    release(&channel.pending);
}

/// The worker, started on first use.
fn channel() -> Option<Rc<Channel>> {
    if let Some(c) = WORKER.with(|w| w.borrow().clone()) {
        return Some(c);
    }
    let worker = web_sys::Worker::new(WORKER_URL).ok()?;
    let pending: Pending = Rc::default();
    let channel = Rc::new(Channel {
        worker: worker.clone(),
        pending: pending.clone(),
    });
    // The handlers are handed to JavaScript (into_js_value), so stopping the worker from
    // inside one of them never frees the code that is running.
    let on_message = {
        let pending = pending.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let Some(id) = get(&data, "id").as_f64() else {
                return;
            };
            if let Some(resolve) = take(&pending, id as u32) {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        })
        .into_js_value()
    };
    let on_error = {
        let weak = Rc::downgrade(&channel);
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // The worker's script or wasm did not load, or it crashed. Stop the browser from
            // also reporting it as an uncaught error: the page searches instead.
            event.prevent_default();
            if let Some(channel) = weak.upgrade() {
                drop_worker(&channel);
            }
        })
        .into_js_value()
    };
    worker.set_onmessage(Some(on_message.unchecked_ref()));
    worker.set_onerror(Some(on_error.unchecked_ref()));
    WORKER.with(|w| *w.borrow_mut() = Some(channel.clone()));
    Some(channel)
}

/// Asks the worker; `None` when it cannot answer.
async fn ask(session: &Session) -> Option<Vec<WhatIf>> {
    let scenario_id = &session.scenario().meta.id;
    let bytes = BYTES.with(|b| {
        b.borrow()
            .iter()
            .find(|(kept, _)| kept == scenario_id)
            .map(|(_, bytes)| bytes.clone())
    })?;
    let channel = channel()?;
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let reply = Promise::new(&mut |resolve, _| {
        channel.pending.borrow_mut().push((id, resolve));
    });
    let choices: Vec<u32> = session.history().iter().map(|d| d.choice as u32).collect();
    let message = Object::new();
    set(&message, "id", &JsValue::from(id));
    set(&message, "scenario", &bytes);
    set(
        &message,
        "seed",
        &JsValue::from_str(&session.seed().to_string()),
    );
    set(&message, "choices", &Uint32Array::from(choices.as_slice()));
    let performance = web_sys::window().and_then(|w| w.performance());
    let mark = format!("frontline:what-ifs-worker:{id}");
    if let Some(p) = &performance {
        let _ = p.mark(&mark);
    }
    if channel.worker.post_message(&message).is_err() {
        take(&channel.pending, id);
        return None;
    }
    {
        let pending = channel.pending.clone();
        set_timeout(REPLY_LIMIT_MS, move || {
            if let Some(resolve) = take(&pending, id) {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::UNDEFINED);
            }
        });
    }
    let data = JsFuture::from(reply).await.unwrap_or(JsValue::UNDEFINED);
    if let Some(p) = &performance {
        let _ = p.measure_with_start_mark("frontline:what-ifs-worker", &mark);
        p.clear_marks_with_mark_name(&mark);
    }
    let found = get(&data, "found")
        .dyn_into::<Uint8Array>()
        .ok()
        .and_then(|bytes| postcard::from_bytes::<Vec<WhatIf>>(&bytes.to_vec()).ok())
        .filter(|found| debrief::what_ifs_fit(session, found));
    if found.is_none() {
        // No reply in time, a failed search or one that does not fit: not trusted again.
        let why = match get(&data, "failed").as_string() {
            Some(failed) => format!("it failed ({failed})"),
            None if data.is_undefined() => "it did not start or answer".to_owned(),
            None => "its answer did not fit the playthrough".to_owned(),
        };
        web_sys::console::warn_1(
            &format!(
                "Frontline: the what-if worker could not help: {why}; the page searches instead"
            )
            .into(),
        );
        drop_worker(&channel);
    }
    found
}
