//! The first-play build's stand-in for [`crate::platform::lms`] (compiled without the `lms`
//! feature): the same functions and components, for a page that no learning platform or host
//! page launched. boot.js loads the other module (`embedded/`, built with the feature) for
//! every launch that could have a platform behind it (a frame, `embed`, cmi5's parameters),
//! so this build never needs SCORM, cmi5, xAPI or the host-page messages, and the first play
//! does not download them.
//!
//! It keeps the one launch behaviour a plain page has: `?scenario=ID` opens that scenario.

use std::sync::Arc;

use frontline_engine::scenario::Verdict;
use frontline_engine::{Scenario, Session};

#[path = "lms/launch.rs"]
pub mod launch;

/// Opens the scenario that `?scenario=ID` names, unless the address already names a page.
pub fn boot() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let Some(params) = web_sys::UrlSearchParams::new_with_str(&search).ok() else {
        return;
    };
    let scenario = params.get("scenario");
    let launch = launch::Launch::from_pairs(scenario.as_deref().map(|id| ("scenario", id)));
    let hash = window.location().hash().unwrap_or_default();
    if let Some(id) = launch.scenario
        && (hash.is_empty() || hash == "#" || hash == "#/")
    {
        let _ = window.location().replace(&format!("#/play/{id}"));
    }
}

/// No learning platform records anything here: saves go to local storage.
pub fn owns(_scenario_id: &str) -> bool {
    false
}

/// Always `None`: the play page starts from local storage.
pub fn initial_session(_scenario: &Arc<Scenario>, _seed: u64) -> Option<(Session, Option<String>)> {
    None
}

/// The scenario's own verdict on an ended session (no platform's pass mark applies).
pub fn verdict(session: &Session) -> Option<Verdict> {
    session.verdict()
}

/// Never: without a platform there is no review mode.
pub fn read_only() -> bool {
    false
}

/// Nothing to report to.
pub fn report(_session: &Session, _verdict: Option<&Verdict>) {}

/// The components the app renders around its pages.
pub mod notice {
    use yew::prelude::*;

    /// No platform, so never a notice.
    #[function_component(LmsStatus)]
    pub fn lms_status() -> Html {
        Html::default()
    }

    /// Props for [`LmsGate`].
    #[derive(Properties, PartialEq)]
    pub struct LmsGateProps {
        /// The app.
        pub children: Html,
    }

    /// Nothing to wait for: shows the app at once.
    #[function_component(LmsGate)]
    pub fn lms_gate(props: &LmsGateProps) -> Html {
        props.children.clone()
    }

    /// No platform to return to, so no exit control.
    #[function_component(LmsExit)]
    pub fn lms_exit() -> Html {
        Html::default()
    }
}
