//! What the learner sees of the LMS connection: a small notice (role=status) while progress
//! may not be recorded, and a short wait while a cmi5 launch connects.

use yew::prelude::*;

/// Re-renders the calling component whenever the LMS state changes.
#[hook]
fn use_lms_changes() {
    let update = use_force_update();
    use_effect_with((), move |()| {
        let slot = super::subscribe(Callback::from(move |()| update.force_update()));
        move || super::unsubscribe(slot)
    });
}

/// The notice shown while the LMS is not accepting progress. Renders nothing otherwise.
#[function_component(LmsStatus)]
pub fn lms_status() -> Html {
    use_lms_changes();
    html! {
        <div class="lms-status" role="status">
            if let Some(message) = super::problem() {
                <p>{ message }</p>
            }
        </div>
    }
}

/// Props for [`LmsGate`].
#[derive(Properties, PartialEq)]
pub struct LmsGateProps {
    /// The app, shown once the LMS connection is settled.
    pub children: Html,
}

/// Holds the app back until a cmi5 launch has its token and saved state, so that a resumed
/// session starts where the learner left it. Without cmi5 it shows the app at once.
#[function_component(LmsGate)]
pub fn lms_gate(props: &LmsGateProps) -> Html {
    use_lms_changes();
    if super::ready() {
        props.children.clone()
    } else {
        html! {
            <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                <p class="loading" role="status">{ "Connecting to your learning platform\u{2026}" }</p>
            </main>
        }
    }
}
