//! The scenario library: a card per bundled scenario.

use frontline_engine::principles;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog::BUNDLED;
use crate::platform::page::use_title;
use crate::platform::saves;
use crate::route::Route;

/// The library page.
#[function_component(Library)]
pub fn library() -> Html {
    use_title("Scenario library".to_owned());
    let cards: Html = BUNDLED
        .iter()
        .map(|s| {
            let in_progress = saves::resumable(s.id, s.version);
            let names: Vec<&str> = s
                .tags
                .iter()
                .filter_map(|t| principles::lookup(t).map(|p| p.name))
                .collect();
            let heading_id = format!("card-{}", s.id);
            html! {
                <li class="card" key={s.id}>
                    <article aria-labelledby={heading_id.clone()}>
                        <h3 id={heading_id}>{ s.title }</h3>
                        <p class="card-summary">{ s.summary }</p>
                        <p class="card-meta">
                            <span>{ format!("About {} minutes", s.minutes) }</span>
                            <span>{ format!("{} leadership ideas", names.len()) }</span>
                        </p>
                        <p class="card-tags">{ names.join(" \u{b7} ") }</p>
                        <Link<Route> to={Route::Play { id: s.id.to_owned() }} classes="button">
                            { if in_progress { "Resume" } else { "Start" } }
                            <span class="visually-hidden">{ format!(" {}", s.title) }</span>
                        </Link<Route>>
                    </article>
                </li>
            }
        })
        .collect();
    html! {
        <main id="main" class="page" tabindex="-1">
            <header class="hero">
                <h1>{ "Frontline" }</h1>
                <p class="tagline">
                    { "Lead a customer-service team through real situations. Every choice moves team morale and customer satisfaction, now and later." }
                </p>
            </header>
            <h2 class="visually-hidden">{ "Scenarios" }</h2>
            <ul class="cards">{ cards }</ul>
            <p class="workshop-link">
                { "Running a session with a group? " }
                <a href="workshop.html#/workshop">{ "Workshop mode" }</a>
                { " gives you a presenter console and a projector view. Teams in a workshop " }
                <a href="workshop.html#/team">{ "join here" }</a>
                { "." }
            </p>
        </main>
    }
}
