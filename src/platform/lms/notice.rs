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

/// The exit control for play inside an LMS: "Save and exit" before the ending, "Exit" after.
/// It ends the LMS session and returns the learner to the LMS (see [`super::exit`]); where
/// the LMS does not take the learner back itself, it says that the window can be closed.
/// Renders nothing when no LMS records the launch.
#[function_component(LmsExit)]
pub fn lms_exit() -> Html {
    use_lms_changes();
    if super::exited() {
        return html! {
            <p class="lms-exited" role="status">
                { "You have left this activity and your learning platform has your progress. You can close this window." }
            </p>
        };
    }
    if !super::can_exit() {
        return html! {};
    }
    let label = if super::ended() {
        "Exit"
    } else {
        "Save and exit"
    };
    html! {
        <button type="button" class="button secondary lms-exit" onclick={Callback::from(|_: MouseEvent| super::exit())}>
            { label }
        </button>
    }
}
