//! The scenario library: a card per bundled scenario with its length, the leadership ideas it
//! covers, and the player's progress (in progress, completed, best rating); a search by title
//! and a filter by idea, which shows the chosen idea's one-line explanation and its card.

use frontline_engine::principles;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::catalog::{BUNDLED, Summary};
use crate::components::idea_card::{IdeaCard, idea_line};
use crate::pages::debrief::rating_label;
use crate::platform::page::use_title;
use crate::platform::{results, saves};
use crate::route::Route;

/// Whether a scenario matches the search text (in its title) and the chosen idea.
pub fn matches(summary: &Summary, query: &str, tag: &str) -> bool {
    // ASCII case folding: it keeps Unicode case tables out of the bundle, and titles are English.
    let query = query.trim().to_ascii_lowercase();
    (query.is_empty() || summary.title.to_ascii_lowercase().contains(&query))
        && (tag.is_empty() || summary.tags.contains(&tag))
}

/// Every idea some bundled scenario covers, as (tag, name), sorted by name.
fn covered_ideas() -> Vec<(&'static str, &'static str)> {
    let mut ideas: Vec<(&str, &str)> = principles::tags()
        .filter(|t| BUNDLED.iter().any(|s| s.tags.contains(t)))
        .filter_map(|t| principles::lookup(t).map(|p| (p.tag, p.name)))
        .collect();
    ideas.sort_by_key(|&(_, name)| name);
    ideas
}

fn card(s: &Summary, generation: u32) -> Html {
    let records = results::list(s.id);
    let best = results::best_rating(&records);
    // A save that is also a recorded result is a finished playthrough, not one to resume.
    let finished_save = saves::raw(s.id).is_some_and(|code| records.iter().any(|r| r.code == code));
    let in_progress = !finished_save && saves::resumable(s.id, s.version);
    let names: Vec<&str> = s
        .tags
        .iter()
        .filter_map(|t| principles::lookup(t).map(|p| p.name))
        .collect();
    let heading_id = format!("card-{}", s.id);
    let (to, label) = if in_progress {
        (
            Route::Play {
                id: s.id.to_owned(),
            },
            "Resume",
        )
    } else if best.is_some() {
        (
            Route::Intro {
                id: s.id.to_owned(),
            },
            "Play again",
        )
    } else {
        (
            Route::Intro {
                id: s.id.to_owned(),
            },
            "Start",
        )
    };
    html! {
        <li class="card" key={format!("{}-{generation}", s.id)}>
            <article aria-labelledby={heading_id.clone()}>
                <h3 id={heading_id}>{ s.title }</h3>
                <p class="card-summary">{ s.summary }</p>
                <p class="card-meta">
                    <span>{ format!("About {} minutes", s.minutes) }</span>
                    <span>{ format!("{} leadership ideas", names.len()) }</span>
                </p>
                if let Some(best) = best {
                    <p class="card-progress completed">
                        { format!("Completed {} time{} \u{b7} best rating: ", records.len(), if records.len() == 1 { "" } else { "s" }) }
                        <strong>{ rating_label(best) }</strong>
                    </p>
                } else if in_progress {
                    <p class="card-progress">{ "In progress" }</p>
                }
                <p class="card-tags">{ names.join(" \u{b7} ") }</p>
                <div class="card-actions">
                    <Link<Route> to={to} classes="button">
                        { label }
                        <span class="visually-hidden">{ format!(" {}", s.title) }</span>
                    </Link<Route>>
                    if finished_save {
                        <Link<Route> to={Route::Ending { id: s.id.to_owned() }} classes="card-link">
                            { "Your last debrief" }
                            <span class="visually-hidden">{ format!(": {}", s.title) }</span>
                        </Link<Route>>
                    }
                </div>
            </article>
        </li>
    }
}

/// The library page.
#[function_component(Library)]
pub fn library() -> Html {
    use_title("Scenario library".to_owned());
    let query = use_state(String::new);
    let tag = use_state(String::new);
    // Bumped when results are cleared, so the cards read storage again.
    let generation = use_state(|| 0u32);
    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
            }
        })
    };
    let on_filter = {
        let tag = tag.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                tag.set(select.value());
            }
        })
    };
    let any_results = BUNDLED.iter().any(|s| !results::list(s.id).is_empty());
    let on_clear = {
        let generation = generation.clone();
        Callback::from(move |_: MouseEvent| {
            for s in BUNDLED {
                // A finished playthrough's save goes with its result; one in progress stays.
                let records = results::list(s.id);
                if saves::raw(s.id).is_some_and(|code| records.iter().any(|r| r.code == code)) {
                    saves::clear(s.id);
                }
                results::clear(s.id);
            }
            generation.set(*generation + 1);
        })
    };
    let shown: Vec<&Summary> = BUNDLED
        .iter()
        .filter(|s| matches(s, &query, &tag))
        .collect();
    let count = match shown.len() {
        0 => "No scenario matches. Try another word or idea.".to_owned(),
        1 => "1 scenario".to_owned(),
        n => format!("{n} scenarios"),
    };
    html! {
        <main id="main" class="page" tabindex="-1">
            <header class="hero">
                <h1>{ "Frontline" }</h1>
                <p class="tagline">
                    { "Lead a customer-service team through real situations. Every choice moves team morale and customer satisfaction, now and later." }
                </p>
            </header>
            <h2 class="visually-hidden">{ "Scenarios" }</h2>
            <form class="library-filters" role="search" aria-label="Find a scenario" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <div class="field">
                    <label for="search">{ "Search by title" }</label>
                    <input id="search" type="search" value={(*query).clone()} oninput={on_search} autocomplete="off" />
                </div>
                <div class="field">
                    <label for="idea">{ "Leadership idea" }</label>
                    <select id="idea" onchange={on_filter}>
                        <option value="" selected={tag.is_empty()}>{ "All ideas" }</option>
                        { for covered_ideas().into_iter().map(|(t, name)| html! {
                            <option value={t} selected={*tag == t}>{ name }</option>
                        }) }
                    </select>
                </div>
            </form>
            if !tag.is_empty() {
                <div class="library-idea" key={(*tag).clone()}>
                    { idea_line(&tag, None) }
                    <IdeaCard key={(*tag).clone()} tag={(*tag).clone()} id_prefix="library" />
                </div>
            }
            <p class="library-count" role="status">{ count }</p>
            <ul class="cards">{ for shown.iter().map(|s| card(s, *generation)) }</ul>
            <p class="library-open">
                { "Have a scenario file of your own? " }
                <Link<Route> to={Route::Open}>{ "Open a scenario file or link" }</Link<Route>>
            </p>
            <p class="workshop-link">
                { "Running a session with a group? " }
                <a href="workshop.html#/workshop">{ "Workshop mode" }</a>
                { " gives you a presenter console and a projector view. Teams in a workshop " }
                <a href="workshop.html#/team">{ "join here" }</a>
                { "." }
            </p>
            if any_results {
                <section class="library-history" aria-labelledby="history-heading">
                    <h2 id="history-heading">{ "Your results" }</h2>
                    <p>{ "Your endings and ratings are kept in this browser only. Clearing them does not touch a scenario you are part-way through." }</p>
                    <button type="button" class="button secondary" onclick={on_clear}>{ "Clear all my results" }</button>
                </section>
            }
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_and_filter_narrow_the_library() {
        let first = &BUNDLED[0];
        assert!(matches(first, "", ""));
        assert!(matches(first, &first.title.to_uppercase(), ""));
        assert!(!matches(first, "no title has this", ""));
        assert!(matches(first, "", first.tags[0]));
        assert!(!matches(first, "", "not-a-tag"));
        // Every idea offered in the filter finds at least one scenario.
        for (tag, _) in covered_ideas() {
            assert!(BUNDLED.iter().any(|s| matches(s, "", tag)));
        }
    }
}
