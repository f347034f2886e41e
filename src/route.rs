//! Routes. Hash routes (`#/play/stretch-target`) work from any static host and from inside an
//! LMS package, where the server knows nothing of the app's paths.

use yew_router::prelude::*;

/// The app's pages.
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Route {
    /// The scenario library.
    #[at("/")]
    Library,
    /// Playing a scenario.
    #[at("/play/:id")]
    Play {
        /// Scenario id.
        id: String,
    },
    /// The ending of a finished scenario.
    #[at("/ending/:id")]
    Ending {
        /// Scenario id.
        id: String,
    },
    /// Workshop mode: setting up, continuing or ending a workshop.
    #[at("/workshop")]
    Workshop,
    /// The facilitator's console.
    #[at("/workshop/console")]
    WorkshopConsole,
    /// The projector view.
    #[at("/workshop/projector")]
    WorkshopProjector,
    /// The workshop debrief comparing teams.
    #[at("/workshop/debrief")]
    WorkshopDebrief,
    /// A team joining a workshop with its session code.
    #[at("/team")]
    TeamJoin,
    /// A team playing a workshop's scenario with the workshop's seed.
    #[at("/team/:id/:code")]
    Team {
        /// Scenario id.
        id: String,
        /// The workshop's session (seed) code.
        code: String,
    },
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}
