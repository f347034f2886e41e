//! A shared playthrough (`#/shared/CODE`): the code is replayed against the bundled scenario
//! and shown as a read-only debrief. A tampered, truncated, outdated or unknown code gets a
//! sentence saying which, and an offer to play the scenario from the start.

use frontline_engine::code;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog;
use crate::components::fetch_status::fetch_status_view;
use crate::hooks::use_scenario::{ScenarioFetch, use_scenario};
use crate::pages::debrief::{Debrief, SessionRef};
use crate::platform::page::use_title;
use crate::platform::{fetch, lms, opened};
use crate::route::Route;

/// Props for [`SharedPage`].
#[derive(Properties, PartialEq)]
pub struct SharedPageProps {
    /// The session code from the link.
    pub code: AttrValue,
}

/// The shared debrief page.
#[function_component(SharedPage)]
pub fn shared_page(props: &SharedPageProps) -> Html {
    let id = code::scenario_id(&props.code)
        .map(str::to_owned)
        .unwrap_or_default();
    let summary = catalog::find(&id);
    use_title(summary.map_or_else(
        || "Shared playthrough".to_owned(),
        |s| format!("Shared playthrough: {}", s.title),
    ));
    let fetched = use_scenario(&id);
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with(
            matches!(fetched.state, ScenarioFetch::Ready(_)),
            move |_| {
                if let Some(el) = heading.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            },
        );
    }
    let problem = |message: String, offer_play: bool| {
        html! {
            <main id="main" class="page narrow" tabindex="-1">
                <h1>{ "This share link cannot be opened" }</h1>
                <p class="error" role="alert">{ message }</p>
                <div class="actions">
                    if offer_play {
                        <Link<Route> to={Route::Intro { id: id.clone() }} classes="button">{ "Play this scenario from the start" }</Link<Route>>
                    }
                    <Link<Route> to={Route::Library} classes={classes!("button", offer_play.then_some("secondary"))}>{ "Go to the scenario library" }</Link<Route>>
                </div>
            </main>
        }
    };
    // A scenario opened from a file in this browser can be replayed here too.
    let opened_title = fetch::cached(&id).map(|s| s.meta.title.clone());
    let title = summary.map(|s| s.title.to_owned()).or(opened_title);
    let Some(title) = title else {
        return problem(
            if id.is_empty() {
                "The link does not hold a Frontline playthrough: it may have been cut off or changed when it was copied.".to_owned()
            } else if opened::is_opened(&id) {
                "The link is for a scenario that was opened from a file or a link of its own, not one in this library, so it can only be replayed in the browser that opened it.".to_owned()
            } else {
                format!(
                    "The link is for a scenario called \u{201c}{id}\u{201d}, which is not in this library."
                )
            },
            false,
        );
    };
    if let Some(status) = fetch_status_view(&title, &id, &fetched.state, fetched.retry) {
        return status;
    }
    let ScenarioFetch::Ready(scenario) = fetched.state else {
        return html! {};
    };
    let decoded =
        code::decode(&props.code, scenario).map(|session| (lms::verdict(&session), session));
    match decoded {
        Ok((Some(verdict), session)) => html! {
            <main id="main" class="play shared" tabindex="-1">
                <header class="play-bar">
                    <Link<Route> to={Route::Library} classes="back-link">{ "\u{2190} Library" }</Link<Route>>
                    <h1 class="play-title">{ title }</h1>
                </header>
                <div class="play-body">
                    <Debrief session={SessionRef(session)} verdict={verdict} heading={heading} shared=true />
                </div>
            </main>
        },
        Ok(_) => problem(
            "The link holds a playthrough that stops before an ending, so there is no debrief to show yet.".to_owned(),
            true,
        ),
        Err(e) => problem(describe(&e), true),
    }
}

/// A sentence for the player about a rejected code.
fn describe(e: &code::CodeError) -> String {
    match e {
        code::CodeError::WrongVersion { .. } => format!(
            "The link was made with an earlier or later edition of this scenario ({e}), so the same decisions can no longer be replayed."
        ),
        code::CodeError::Truncated => {
            "The link is incomplete: it was probably cut off when it was copied.".to_owned()
        }
        code::CodeError::Damaged | code::CodeError::Malformed => {
            "The link has been changed or damaged, so the playthrough in it cannot be trusted."
                .to_owned()
        }
        other => format!("The link cannot be replayed: {other}."),
    }
}
