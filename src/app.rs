//! The root component: the router and the skip link.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::intro::IntroPage;
use crate::pages::library::Library;
use crate::pages::not_found::NotFound;
use crate::pages::open::OpenPage;
use crate::pages::play::PlayPage;
use crate::pages::shared::SharedPage;
use crate::platform::lms::notice::{LmsGate, LmsStatus};
use crate::route::Route;

fn switch(route: Route) -> Html {
    match route {
        Route::Library => html! { <Library /> },
        Route::Intro { id } => html! { <IntroPage id={id} /> },
        Route::Play { id } => html! { <PlayPage id={id} /> },
        Route::Ending { id } => html! { <PlayPage id={id} ending=true /> },
        Route::Shared { code } => html! { <SharedPage code={code} /> },
        Route::Open => html! { <OpenPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// Moves focus to the page's main region. The link cannot simply jump to `#main`: with hash
/// routes that would navigate away.
pub fn skip_to_main(e: MouseEvent) {
    e.prevent_default();
    if let Some(main) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
    {
        let _ = main.focus();
    }
}

/// The app.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <HashRouter>
            <a class="skip-link" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            // LMS: wait for a cmi5 launch to connect; a notice while progress is not recorded.
            <LmsStatus />
            <LmsGate><Switch<Route> render={switch} /></LmsGate>
        </HashRouter>
    }
}
