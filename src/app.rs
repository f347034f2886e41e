//! The root component: the router, the skip link, and scroll and focus after a change of
//! page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::pages::intro::IntroPage;
use crate::pages::library::Library;
use crate::pages::not_found::NotFound;
use crate::pages::open::OpenPage;
use crate::pages::play::PlayPage;
use crate::pages::shared::SharedPage;
use crate::platform::clock::{after_paint, set_timeout};
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

/// The page's main region (every page has one, `id="main"` with `tabindex="-1"`).
fn main_region() -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
}

/// Moves focus to the page's main region. The link cannot simply jump to `#main`: with hash
/// routes that would navigate away.
pub fn skip_to_main(e: MouseEvent) {
    e.prevent_default();
    if let Some(main) = main_region() {
        let _ = main.focus();
    }
}

/// Whether two routes show the same page: a scenario's play and ending routes are one page
/// (the play page swaps the address when the story ends or is replayed).
fn same_page(a: &str, b: &str) -> bool {
    let scenario = |path: &str| {
        path.strip_prefix("/play/")
            .or_else(|| path.strip_prefix("/ending/"))
            .map(str::to_owned)
    };
    a == b || scenario(a).is_some_and(|id| scenario(b) == Some(id))
}

/// After a change of page, the new page starts at its top (a hash route keeps the old page's
/// scroll position otherwise: "Begin" at the foot of a long briefing opened the scene
/// scrolled out of sight), and focus goes to the new page's main region if it was lost with
/// the old page (the link or button that had it is gone, so the browser put it on the body):
/// a keyboard or screen reader user then continues from the new content, not from the top of
/// the document. A page that placed focus itself (the play page's scene heading) keeps it.
#[function_component(RouteFocus)]
fn route_focus() -> Html {
    let location = use_location().map(|l| l.path().to_owned());
    let previous = use_mut_ref(|| None::<String>);
    use_effect_with(location, move |location| {
        let location = location.clone().unwrap_or_default();
        let Some(before) = previous.borrow_mut().replace(location.clone()) else {
            return;
        };
        if !same_page(&before, &location)
            && let Some(window) = web_sys::window()
        {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
        after_paint(|| focus_main_if_lost(FOCUS_TRIES));
    });
    html! {}
}

/// How many times (every 50 ms) to wait for a page that is still loading (its main region
/// is `aria-busy`, and will be replaced by the loaded page's) before giving up.
const FOCUS_TRIES: u32 = 100;

fn focus_main_if_lost(tries: u32) {
    let lost = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
    if !lost {
        return;
    }
    let Some(main) = main_region() else {
        return;
    };
    if main.get_attribute("aria-busy").as_deref() == Some("true") {
        if tries > 0 {
            set_timeout(50, move || focus_main_if_lost(tries - 1));
        }
    } else {
        let _ = main.focus();
    }
}

/// The app.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <HashRouter>
            <a class="skip-link" href="#main" onclick={skip_to_main}>{ "Skip to content" }</a>
            <RouteFocus />
            // LMS: wait for a cmi5 launch to connect; a notice while progress is not recorded.
            <LmsStatus />
            <LmsGate><Switch<Route> render={switch} /></LmsGate>
        </HashRouter>
    }
}

#[cfg(test)]
mod tests {
    use super::same_page;

    #[test]
    fn play_and_ending_of_one_scenario_are_one_page() {
        assert!(same_page("/play/policy", "/ending/policy"));
        assert!(same_page("/ending/policy", "/play/policy"));
        assert!(same_page("/", "/"));
        assert!(!same_page("/intro/policy", "/play/policy"));
        assert!(!same_page("/play/policy", "/ending/burnout"));
        assert!(!same_page("/", "/open"));
    }
}
