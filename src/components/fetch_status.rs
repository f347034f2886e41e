//! The page shown while a scenario is on its way, when it failed to arrive, or when there is
//! no such scenario: never a blank page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::hooks::use_scenario::ScenarioFetch;
use crate::platform::opened;
use crate::route::Route;

/// Props for [`FetchStatus`].
#[derive(Properties, PartialEq)]
pub struct FetchStatusProps {
    /// The page's heading (the scenario's title when known).
    pub title: AttrValue,
    /// The scenario id asked for.
    pub id: AttrValue,
    /// Whether it failed (with the message) or is loading.
    #[prop_or_default]
    pub failed: Option<AttrValue>,
    /// Whether the id is not in the library at all.
    #[prop_or_default]
    pub unknown: bool,
    /// Tries again after a failure.
    pub on_retry: Callback<MouseEvent>,
}

/// Loading, failed or unknown scenario.
#[function_component(FetchStatus)]
pub fn fetch_status(props: &FetchStatusProps) -> Html {
    if props.unknown && opened::is_opened(&props.id) {
        return html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ "Scenario not found" }</h1>
                <p>{ "This scenario was opened from a file or a link, and this browser no longer has a copy of it. Open it again to play." }</p>
                <p><Link<Route> to={Route::Open} classes="button">{ "Open a scenario" }</Link<Route>></p>
            </main>
        };
    }
    if props.unknown {
        return html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ "Scenario not found" }</h1>
                <p>{ format!("There is no scenario called \u{201c}{}\u{201d} in this library.", props.id) }</p>
                <p><Link<Route> to={Route::Library} classes="button">{ "Go to the scenario library" }</Link<Route>></p>
            </main>
        };
    }
    match &props.failed {
        Some(message) => html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ &props.title }</h1>
                <p class="error" role="alert">{ message }</p>
                <div class="actions">
                    <button type="button" class="button" onclick={props.on_retry.clone()}>{ "Try again" }</button>
                    <Link<Route> to={Route::Library} classes="button secondary">{ "Back to the library" }</Link<Route>>
                </div>
            </main>
        },
        None => html! {
            <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                <h1>{ &props.title }</h1>
                <p class="loading" role="status">{ "Loading the scenario\u{2026}" }</p>
            </main>
        },
    }
}

/// The status page for a fetch that is not ready, or `None` when it is.
pub fn fetch_status_view(
    title: &str,
    id: &str,
    state: &ScenarioFetch,
    on_retry: Callback<MouseEvent>,
) -> Option<Html> {
    let (failed, unknown) = match state {
        ScenarioFetch::Ready(_) => return None,
        ScenarioFetch::Unknown => (None, true),
        ScenarioFetch::Loading => (None, false),
        ScenarioFetch::Failed(m) => (Some(AttrValue::from(m.clone())), false),
    };
    Some(html! {
        <FetchStatus title={title.to_owned()} id={id.to_owned()} failed={failed} unknown={unknown} on_retry={on_retry} />
    })
}
