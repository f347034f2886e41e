//! The page for an address the app does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::platform::page::use_title;
use crate::route::Route;

/// Not found.
#[function_component(NotFound)]
pub fn not_found() -> Html {
    use_title("Page not found".to_owned());
    html! {
        <main id="main" class="page narrow" tabindex="-1">
            <h1>{ "Page not found" }</h1>
            <p>{ "There is nothing at this address. The scenario may have been renamed or removed." }</p>
            <p><Link<Route> to={Route::Library} classes="button">{ "Go to the scenario library" }</Link<Route>></p>
        </main>
    }
}
