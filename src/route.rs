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
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}
