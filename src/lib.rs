//! Frontline's browser app: a Yew single-page app over `frontline-engine`.
//!
//! Layout: [`catalog`] loads the scenarios bundled at build time; [`state`] is the pure play
//! reducer over an engine session; [`platform`] is the only place that touches browser
//! storage and other platform services; [`pages`] and [`components`] are the UI. The engine
//! reports events, the app acts on them.

pub mod app;
pub mod catalog;
pub mod components;
pub mod hooks;
pub mod pages;
pub mod platform;
pub mod route;
pub mod state;
pub mod texts;

use wasm_bindgen::JsCast;

/// Mounts the app on the page body.
pub fn start() {
    // Connect to an LMS or host page first: it can choose the scenario and the saved session.
    platform::lms::boot();
    // `?scenario=URL` (not a bundled scenario's id, which the LMS launch above handles) opens
    // the link on the "open" page.
    platform::remote::route_scenario_link();
    // Opened on a play route, boot.js is already downloading the scenario: waiting briefly
    // for it makes the first page the scene, with no loading page in between (whose layout
    // would also hold up the download's delivery on the main thread).
    wasm_bindgen_futures::spawn_local(async {
        platform::fetch::settle_preload(500).await;
        parsed().await;
        yew::Renderer::<app::App>::new().render();
        platform::clock::after_paint(announce_started);
    });
}

/// Tells boot.js that the first page is on screen (the `frontline-started` event on the
/// window): it registers the service worker only then, so that the worker's downloads of
/// every file for offline use never compete with the first page's.
fn announce_started() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(event) = web_sys::Event::new("frontline-started") {
        let _ = window.dispatch_event(&event);
    }
}

/// Resolves once the page's body has been parsed. boot.js is an async module, so the app can
/// in principle start before (with everything already in a cache).
async fn parsed() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.ready_state() != "loading" {
        return;
    }
    let done = js_sys::Promise::new(&mut |resolve, _| {
        let listener = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let _ =
            document.add_event_listener_with_callback("DOMContentLoaded", listener.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
}

/// Mounts workshop mode (workshop.html) on the page body.
pub fn start_workshop() {
    yew::Renderer::<pages::workshop::app::WorkshopApp>::new().render();
}

/// Mounts a live room's participant pages (room.html, opened on a phone) on the page body.
pub fn start_room() {
    yew::Renderer::<pages::room::RoomApp>::new().render();
}
