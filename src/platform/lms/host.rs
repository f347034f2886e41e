//! The host-page API: a page that embeds Frontline in an iframe (with `?embed=1`) and is
//! not an LMS talks to it with `postMessage`. Only origins listed in `frontline-embed.json`
//! (next to `index.html`, written by whoever deploys the app) can send commands or receive
//! events; without that file the API stays off.
//!
//! Events (to the parent): `ready`, `decision`, `ending`, `score`. Commands (from the
//! parent): `start` (open a scenario) and `restart` (start the current one again). Every
//! message is an object with `"source": "frontline"` and a `type`; see docs/lms.md.

use std::cell::{Cell, RefCell};

use frontline_engine::Session;
use frontline_engine::scenario::Verdict;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

use super::xapi::{get, obj, parse, set};
use crate::catalog;
use crate::platform::saves;

thread_local! {
    static ALLOWED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// (seed, decisions) of the last session reported, so each decision is posted once.
    static POSTED: Cell<(u64, usize, bool)> = const { Cell::new((0, usize::MAX, false)) };
}

/// The origins that may talk to the app, from the configuration file's
/// `allowedOrigins` list. Anything that is not a plain `http(s)://host[:port]` origin (a path,
/// a wildcard) is ignored.
pub fn allowed_origins(listed: &[String]) -> Vec<String> {
    listed
        .iter()
        .map(|o| o.trim_end_matches('/'))
        .filter(|o| {
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', '*', ' ']))
        })
        .map(str::to_owned)
        .collect()
}

/// The `allowedOrigins` strings of the configuration file's text.
fn listed_origins(config: &str) -> Vec<String> {
    let list = parse(config)
        .map(|v| get(&v, "allowedOrigins"))
        .unwrap_or_default();
    if !js_sys::Array::is_array(&list) {
        return Vec::new();
    }
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// Starts the API when the app is framed in embed mode and no LMS was found.
pub fn boot(window: &web_sys::Window) {
    let framed = window
        .parent()
        .ok()
        .flatten()
        .is_some_and(|p| !js_sys::Object::is(&p, window));
    let embed = super::LAUNCH.with(|l| l.borrow().embed);
    let lms =
        super::with_runtime(|_| ()).is_some() || super::LAUNCH.with(|l| l.borrow().cmi5.is_some());
    if !framed || !embed || lms {
        return;
    }
    let window = window.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(response) = JsFuture::from(window.fetch_with_str("frontline-embed.json")).await
        else {
            return;
        };
        let Ok(response) = response.dyn_into::<web_sys::Response>() else {
            return;
        };
        if !response.ok() {
            return;
        }
        let text = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        let Some(text) = text else {
            return;
        };
        let origins = allowed_origins(&listed_origins(&text));
        if origins.is_empty() {
            return;
        }
        ALLOWED.with(|a| *a.borrow_mut() = origins);
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_message);
        let _ =
            window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        on_message.forget();
        let ready = message("ready");
        set(&ready, "version", 1);
        let ids: js_sys::Array = catalog::BUNDLED
            .iter()
            .map(|s| wasm_bindgen::JsValue::from_str(s.id))
            .collect();
        set(&ready, "scenarios", ids);
        post(&ready);
    });
}

fn on_message(event: web_sys::MessageEvent) {
    let origin = event.origin();
    if !ALLOWED.with(|a| a.borrow().contains(&origin)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let from_parent = match (event.source(), window.parent().ok().flatten()) {
        (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
        _ => false,
    };
    if !from_parent {
        return;
    }
    let data = event.data();
    let get = |key: &str| {
        js_sys::Reflect::get(&data, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match get("type").as_deref() {
        Some("start") => match get("scenario").filter(|id| catalog::find(id).is_some()) {
            Some(id) => {
                let _ = window.location().set_hash(&format!("/play/{id}"));
            }
            None => post(&error("unknown scenario")),
        },
        Some("restart") => {
            let hash = window.location().hash().unwrap_or_default();
            let id = hash
                .strip_prefix("#/play/")
                .or_else(|| hash.strip_prefix("#/ending/"))
                .map(str::to_owned);
            if let Some(id) = id {
                saves::clear(&id);
                let _ = window.location().set_hash(&format!("/play/{id}"));
                let _ = window.location().reload();
            }
        }
        _ => post(&error("unknown command")),
    }
}

/// A message object `{"source": "frontline", "type": kind}`.
fn message(kind: &str) -> js_sys::Object {
    let m = obj();
    set(&m, "source", "frontline");
    set(&m, "type", kind);
    m
}

/// Posts an event to the parent, once per allowed origin (the browser delivers it only if
/// the parent's origin matches).
fn post(message: &js_sys::Object) {
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    for origin in ALLOWED.with(|a| a.borrow().clone()) {
        let _ = parent.post_message(message, &origin);
    }
}

fn error(text: &str) -> js_sys::Object {
    let m = message("error");
    set(&m, "message", text);
    m
}

/// Posts the events for what is new in a session.
pub fn report(session: &Session, verdict: Option<&Verdict>) {
    if ALLOWED.with(|a| a.borrow().is_empty()) {
        return;
    }
    let n = session.history().len();
    let (seed, posted, ended_posted) = POSTED.with(Cell::get);
    let (from, mut ended_posted) = if seed == session.seed() && posted <= n {
        (posted, ended_posted)
    } else {
        // A new or resumed session: earlier decisions were posted before (or elsewhere).
        (n, session.is_ended())
    };
    let scenario = session.scenario();
    let id = &scenario.meta.id;
    for i in from..n {
        if let Some(it) = super::report::interaction(session, i) {
            let meters = obj();
            for (m, v) in scenario
                .meters
                .iter()
                .zip(&session.history()[i].meters_after)
            {
                set(&meters, &m.id, *v);
            }
            let event = message("decision");
            set(&event, "scenario", id.as_str());
            set(&event, "index", i as u32);
            set(&event, "scene", it.scene_id);
            set(&event, "choice", it.choice_id);
            set(&event, "meters", meters);
            post(&event);
        }
    }
    if !ended_posted
        && let Some(ending) = session.ending()
        && let Some(verdict) = verdict
    {
        let event = message("ending");
        set(&event, "scenario", id.as_str());
        set(&event, "ending", session.scene().id.as_str());
        set(&event, "rating", ending.rating.as_str());
        post(&event);
        let event = message("score");
        set(&event, "scenario", id.as_str());
        set(&event, "score", verdict.score);
        set(&event, "max", 100);
        set(&event, "passed", verdict.passed);
        post(&event);
        ended_posted = true;
    }
    POSTED.with(|p| p.set((session.seed(), n, ended_posted)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_origins_are_allowed() {
        let listed: Vec<String> = [
            "https://intranet.example.com/",
            "http://127.0.0.1:8193",
            "*",
            "https://a.test/path",
            "javascript:alert(1)",
            "https://",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            allowed_origins(&listed),
            ["https://intranet.example.com", "http://127.0.0.1:8193"]
        );
    }
}
