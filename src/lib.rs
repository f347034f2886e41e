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

/// Mounts the app on the page body.
pub fn start() {
    // Connect to an LMS or host page first: it can choose the scenario and the saved session.
    platform::lms::boot();
    // `?scenario=URL` (not a bundled scenario's id, which the LMS launch above handles) opens
    // the link on the "open" page.
    platform::remote::route_scenario_link();
    yew::Renderer::<app::App>::new().render();
}

/// Mounts workshop mode (workshop.html) on the page body.
pub fn start_workshop() {
    yew::Renderer::<pages::workshop::app::WorkshopApp>::new().render();
}
