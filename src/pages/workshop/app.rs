//! Workshop mode's own router (workshop.html): setup, console, projector, debrief and team
//! play. It is a separate app in a separate module so the player's first download stays
//! small; the scenario library is at `index.html`.

use yew::prelude::*;
use yew_router::prelude::*;

use super::live_console::LiveConsolePage;
use super::live_projector::LiveProjectorPage;
use super::{WorkshopPage, WorkshopView, setup::Setup, team};
use crate::app::skip_to_main;
use crate::platform::page::use_title;

/// Workshop mode's pages (hash routes of workshop.html).
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum WorkshopRoute {
    /// Setting up, continuing or ending a workshop.
    #[at("/")]
    Setup,
    /// The same, under its longer name.
    #[at("/workshop")]
    Workshop,
    /// The facilitator's console.
    #[at("/workshop/console")]
    Console,
    /// The projector view.
    #[at("/workshop/projector")]
    Projector,
    /// The debrief comparing teams.
    #[at("/workshop/debrief")]
    Debrief,
    /// A team joining with the session code.
    #[at("/team")]
    TeamJoin,
    /// A team playing the workshop's scenario with the workshop's seed.
    #[at("/team/:id/:code")]
    Team {
        /// Scenario id.
        id: String,
        /// The workshop's session (seed) code.
        code: String,
    },
    /// A live room's console (a room server served the page; this browser created the room).
    #[at("/live/console/:code")]
    LiveConsole {
        /// Room code.
        code: String,
    },
    /// A live room's projector (joins as a viewer).
    #[at("/live/projector/:code")]
    LiveProjector {
        /// Room code.
        code: String,
    },
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// The scenario library, in the player's app.
pub const LIBRARY_HREF: &str = "index.html#/";

#[function_component(WorkshopNotFound)]
fn workshop_not_found() -> Html {
    use_title("Page not found".to_owned());
    html! {
        <main id="main" class="page narrow" tabindex="-1">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is nothing at this address in workshop mode." }</p>
            <p>
                <Link<WorkshopRoute> to={WorkshopRoute::Setup} classes="button">{ "Go to workshop setup" }</Link<WorkshopRoute>>
                { " " }
                <a href={LIBRARY_HREF} class="button secondary">{ "Go to the scenario library" }</a>
            </p>
        </main>
    }
}

fn switch(route: WorkshopRoute) -> Html {
    match route {
        WorkshopRoute::Setup | WorkshopRoute::Workshop => html! { <Setup /> },
        WorkshopRoute::Console => html! { <WorkshopPage view={WorkshopView::Console} /> },
        WorkshopRoute::Projector => html! { <WorkshopPage view={WorkshopView::Projector} /> },
        WorkshopRoute::Debrief => html! { <WorkshopPage view={WorkshopView::Debrief} /> },
        WorkshopRoute::TeamJoin => html! { <team::TeamJoin /> },
        WorkshopRoute::Team { id, code } => html! { <team::TeamPage id={id} code={code} /> },
        WorkshopRoute::LiveConsole { code } => html! { <LiveConsolePage code={code} /> },
        WorkshopRoute::LiveProjector { code } => html! { <LiveProjectorPage code={code} /> },
        WorkshopRoute::NotFound => html! { <WorkshopNotFound /> },
    }
}

/// Workshop mode.
#[function_component(WorkshopApp)]
pub fn workshop_app() -> Html {
    html! {
        <HashRouter>
            <a class="skip-link" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            <Switch<WorkshopRoute> render={switch} />
        </HashRouter>
    }
}
