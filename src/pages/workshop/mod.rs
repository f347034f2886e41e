//! Workshop mode: a facilitator runs one scenario with a room from two windows (the console
//! and the projector view, kept in step by `platform::workshop`), teams play the same
//! scenario on their own devices, and a debrief compares the teams' results.
//!
//! The workshop's rules (votes, majority, overrides, rewinds, the timer, team results) live in
//! `frontline_engine::workshop`; these pages only show it and turn clicks and keys into its
//! actions.

pub mod app;
pub mod console;
pub mod debrief;
pub mod live;
pub mod live_console;
pub mod live_projector;
pub mod projector;
pub mod setup;
pub mod team;

use std::rc::Rc;
use std::sync::Arc;

use frontline_engine::Scenario;
use frontline_engine::workshop::{Action, Workshop};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::play::ScenarioRef;
use crate::pages::workshop::app::WorkshopRoute;
use crate::platform::fetch;
use crate::platform::page::use_title;
use crate::platform::workshop::use_workshop;

/// Where fetching a scenario stands.
#[derive(Clone)]
pub enum Fetched {
    /// Still downloading.
    Loading,
    /// Ready.
    Ready(Arc<Scenario>),
    /// Failed, with a sentence for the user.
    Failed(String),
}

/// Fetches a bundled scenario (or takes it from this visit's cache). `None` fetches nothing.
#[hook]
pub fn use_scenario(id: Option<String>) -> Fetched {
    let state = use_state({
        let id = id.clone();
        move || {
            id.as_deref()
                .and_then(fetch::cached)
                .map_or(Fetched::Loading, Fetched::Ready)
        }
    });
    {
        let state = state.clone();
        use_effect_with(id, move |id| {
            if let Some(id) = id.clone()
                && !matches!(&*state, Fetched::Ready(s) if s.meta.id == id)
            {
                wasm_bindgen_futures::spawn_local(async move {
                    state.set(match fetch::scenario(&id).await {
                        Ok(s) => Fetched::Ready(s),
                        Err(message) => Fetched::Failed(message),
                    });
                });
            }
        });
    }
    (*state).clone()
}

/// Which window of the workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkshopView {
    /// The facilitator's console.
    Console,
    /// The projector view.
    Projector,
    /// The debrief.
    Debrief,
}

/// Props for the workshop's views.
#[derive(Properties, PartialEq)]
pub struct ViewProps {
    /// The workshop.
    pub workshop: Rc<Workshop>,
    /// Its scenario.
    pub scenario: ScenarioRef,
    /// Stores a changed workshop and sends it to the other windows.
    pub on_commit: Callback<Workshop>,
}

/// Props for [`WorkshopPage`].
#[derive(Properties, PartialEq)]
pub struct WorkshopPageProps {
    /// Which view.
    pub view: WorkshopView,
}

/// Loads the workshop and its scenario, then shows one of its views.
#[function_component(WorkshopPage)]
pub fn workshop_page(props: &WorkshopPageProps) -> Html {
    let handle = use_workshop();
    let id = match &handle.current {
        Ok(Some(w)) => Some(w.scenario.clone()),
        _ => None,
    };
    let fetched = use_scenario(id);
    let title = match props.view {
        WorkshopView::Console => "Facilitator console",
        WorkshopView::Projector => "Projector",
        WorkshopView::Debrief => "Workshop debrief",
    };
    use_title(title.to_owned());
    let problem = |message: String| {
        html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ title }</h1>
                <p class="error" role="alert">{ message }</p>
                <p><Link<WorkshopRoute> to={WorkshopRoute::Setup} classes="button">{ "Go to workshop setup" }</Link<WorkshopRoute>></p>
            </main>
        }
    };
    let workshop = match handle.current.clone() {
        Err(message) => return problem(message),
        Ok(None) => {
            return problem(
                "No workshop is running in this browser. Start one from the workshop setup.".into(),
            );
        }
        Ok(Some(w)) => w,
    };
    let scenario = match fetched {
        Fetched::Ready(s) if s.meta.id == workshop.scenario => s,
        Fetched::Failed(message) => return problem(message),
        _ => {
            return html! {
                <main id="main" class="page narrow" tabindex="-1" aria-busy="true">
                    <h1>{ title }</h1>
                    <p class="loading" role="status">{ "Loading the scenario\u{2026}" }</p>
                </main>
            };
        }
    };
    if let Err(e) = workshop.session(&scenario) {
        return problem(format!("The saved workshop cannot continue: {e}."));
    }
    let on_commit = {
        let handle = handle.clone();
        Callback::from(move |w: Workshop| handle.commit(w))
    };
    let scenario = ScenarioRef(scenario);
    let notice = handle
        .problem
        .clone()
        .map(|p| html! { <aside class="notice" aria-label="Workshop notice"><p role="status">{ p }</p></aside> });
    let view = match props.view {
        WorkshopView::Console => html! {
            <console::Console workshop={workshop} scenario={scenario} on_commit={on_commit} />
        },
        WorkshopView::Projector => html! {
            <projector::Projector workshop={workshop} scenario={scenario} on_commit={on_commit} />
        },
        WorkshopView::Debrief => html! {
            <debrief::Debrief workshop={workshop} scenario={scenario} on_commit={on_commit} />
        },
    };
    html! { <>{ notice }{ view }</> }
}

/// The public address a team opens, e.g. `#/team/stretch-target/0K7Q2M`.
pub fn team_route(scenario: &str, seed: u64) -> WorkshopRoute {
    WorkshopRoute::Team {
        id: scenario.to_owned(),
        code: frontline_engine::workshop::seed_code(seed),
    }
}

/// Turns an action into a committed workshop; the error of a refused action is kept for the
/// view to show (and nothing changes).
#[hook]
pub fn use_act(props: &ViewProps) -> (Callback<Action>, UseStateHandle<Option<String>>) {
    let error = use_state(|| None::<String>);
    let act = {
        let scenario = props.scenario.0.clone();
        let w = props.workshop.clone();
        let error = error.clone();
        let on_commit = props.on_commit.clone();
        Callback::from(move |action: Action| match w.apply(&scenario, action) {
            Ok(next) => {
                error.set(None);
                on_commit.emit(next);
            }
            Err(e) => error.set(Some(format!("{}.", capitalise(&e.to_string())))),
        })
    };
    (act, error)
}

/// The shortcuts both windows share: N, → or Page Down plays the majority; R reveals or hides
/// the votes; T starts or pauses the timer. (Presentation clickers send Page Down.)
pub fn shortcut(key: &str, revealed: bool) -> Option<Action> {
    match key {
        "n" | "N" | "PageDown" | "ArrowRight" => Some(Action::PlayMajority),
        "r" | "R" => Some(Action::Reveal(!revealed)),
        "t" | "T" => Some(Action::ToggleTimer(crate::platform::clock::now_ms())),
        _ => None,
    }
}

/// The first letter in upper case, for sentences built from lower-case messages.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}
